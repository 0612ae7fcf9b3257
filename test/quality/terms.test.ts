import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentTerms, isContentWord, runTerms, sharedTerms, wordKey } from "../../lib/quality/terms.js";
import { scanText } from "../../lib/quality/text.js";

const terms = (text: string): string[] => [...contentTerms(scanText(text))];

describe("wordKey", () => {
  it("keeps the first six characters, so inflections of a word match", () => {
    expect(wordKey("photosynthesis")).toBe("photos");
    expect(wordKey("photosynthetic")).toBe("photos");
    expect(wordKey("cells")).toBe("cells");
  });

  it("never cuts a surrogate pair", () => {
    expect(wordKey("abcde𝒳yz")).toBe("abcde𝒳");
  });
});

describe("contentTerms", () => {
  it("drops stopwords, chat words and one-letter words", () => {
    expect(terms("Can you please explain how a cell divides?")).toEqual(["cell", "divide"]);
  });

  it("drops Spanish, French, German and Portuguese function words", () => {
    expect(terms("¿Qué es la mitosis?")).toEqual(["mitosi"]);
    expect(terms("Qu'est-ce que la mitose ?")).toEqual(["mitose"]);
    expect(terms("Was ist die Mitose?")).toEqual(["mitose"]);
    expect(terms("O que é a mitose?")).toEqual(["mitose"]);
  });

  it("keeps numbers of two digits or more", () => {
    expect(terms("chapter 12 of 3")).toEqual(["chapte", "12"]);
  });

  it("uses character bigrams for unspaced scripts", () => {
    expect(terms("光合作用")).toEqual(["光合", "合作", "作用"]);
    expect(runTerms("水")).toEqual(["水"]);
    expect(runTerms("𠀀𠀁𠀂")).toEqual(["𠀀𠀁", "𠀁𠀂"]);
  });

  it("works for right-to-left scripts (no Arabic stopword list: short words count)", () => {
    // التمثيل has 7 letters → its first 6; الضوئي has 6 → whole.
    expect(terms("ما هو التمثيل الضوئي")).toEqual(["ما", "هو", "التمثي", "الضوئي"]);
  });

  it("judges content words by length and stopword list", () => {
    expect(isContentWord("x")).toBe(false);
    expect(isContentWord("the")).toBe(false);
    expect(isContentWord("mitosis")).toBe(true);
  });
});

describe("sharedTerms", () => {
  it("counts the student's distinct terms that the answer also has", () => {
    const student = contentTerms(scanText("Why do plants need sunlight and water?"));
    expect([...student]).toEqual(["plants", "sunlig", "water"]);
    expect(sharedTerms(student, scanText("Plants use sunlight to make sugar."))).toBe(2);
  });

  it("does not count a stopword of the answer as a match", () => {
    // "between" is a stopword; its key "betwee" must not match even if the student has that key.
    expect(sharedTerms(new Set(["betwee"]), scanText("between"))).toBe(0);
  });

  it("agrees with intersecting both term sets, for any texts", () => {
    const vocabulary = ["plant", "plants", "planting", "water", "the", "and", "光合作用", "作用", "sun", "x", "Über", "über", "12", "𝒳𝒴"];
    const text = fc.oneof(
      fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 }).map((ws) => ws.join(" ")),
      fc.string({ unit: "grapheme", maxLength: 60 }),
    );
    fc.assert(
      fc.property(text, text, (s, a) => {
        const student = contentTerms(scanText(s));
        const answer = contentTerms(scanText(a));
        const expected = [...student].filter((t) => answer.has(t)).length;
        expect(sharedTerms(student, scanText(a))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

});
