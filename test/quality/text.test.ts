import { describe, expect, it } from "vitest";
import { codePointLength, normalise, scanText, sentenceCount, wordEquivalents, wordStrings } from "../../lib/quality/text.js";

const words = (text: string): string[] => wordStrings(scanText(text));
const sentences = (text: string): string[] => {
  const scan = scanText(text);
  const out: string[] = [];
  for (let j = 0; j < scan.sentences.length; j += 2) out.push(scan.text.slice(scan.sentences[j], scan.sentences[j + 1]));
  return out;
};

describe("normalise", () => {
  it("folds case and compatibility forms so both sides of an exchange compare alike", () => {
    expect(normalise("Ｆｕｌｌ-width ﬁle ÉTÉ")).toBe("full-width file été");
  });
});

describe("scanText words", () => {
  it("splits Latin text on anything that is not a letter, mark or digit", () => {
    expect(words("Don't stop: x=3.14, by-product!")).toEqual(["don", "t", "stop", "x", "3", "14", "by", "product"]);
  });

  it("keeps accented, Cyrillic, Greek, Arabic, Hebrew and Devanagari words whole", () => {
    expect(words("Café naïve")).toEqual(["café", "naïve"]);
    expect(words("Фотосинтез — это процесс")).toEqual(["фотосинтез", "это", "процесс"]);
    expect(words("Η φωτοσύνθεση")).toEqual(["η", "φωτοσύνθεση"]);
    expect(words("التمثيل الضوئي مهم")).toEqual(["التمثيل", "الضوئي", "مهم"]);
    expect(words("פוטוסינתזה היא תהליך")).toEqual(["פוטוסינתזה", "היא", "תהליך"]);
    expect(words("प्रकाश संश्लेषण")).toEqual(["प्रकाश", "संश्लेषण"]);
  });

  it("puts unspaced scripts in runs, apart from the Latin words beside them", () => {
    const scan = scanText("AI模型 コーヒー 光合作用是什么？ ภาษาไทย 학교에서 ok");
    expect(wordStrings(scan)).toEqual(["ai", "ok"]);
    expect(scan.runs).toEqual(["模型", "コーヒー", "光合作用是什么", "ภาษาไทย", "학교에서"]);
  });

  it("ignores emoji and symbols, and keeps astral letters whole", () => {
    const scan = scanText("great 👍🏽 job 🎉 𠀀𠀁");
    expect(wordStrings(scan)).toEqual(["great", "job"]);
    expect(scan.runs).toEqual(["𠀀𠀁"]);
  });

  it("survives lone surrogates", () => {
    expect(words("a\uD800b \uDC00c")).toEqual(["a", "b", "c"]);
  });
});

describe("scanText sentences", () => {
  it("ends a sentence at . ! ? before a space or the end, and at line breaks", () => {
    expect(sentences("First one. Second one! Third?\n- a list item\n# Heading")).toEqual([
      "first one",
      "second one",
      "third",
      "a list item",
      "heading",
    ]);
  });

  it("does not split decimals or abbreviations without a following space", () => {
    expect(sentences("Pi is 3.14 roughly.")).toEqual(["pi is 3.14 roughly"]);
  });

  it("ends CJK sentences at 。 and at full-width marks", () => {
    expect(sentences("它发生在叶绿体中。氧气被释放！对吗？")).toEqual(["它发生在叶绿体中", "氧气被释放", "对吗"]);
  });

  it("ends Hindi sentences at the danda and Arabic ones at ؟", () => {
    expect(sentenceCount(scanText("यह एक वाक्य है। यह दूसरा है।"))).toBe(2);
    expect(sentenceCount(scanText("ما هو التمثيل الضوئي؟ إنه عملية."))).toBe(2);
  });

  it("counts no sentence in text without words", () => {
    expect(sentenceCount(scanText("... !!! 👍\n\n"))).toBe(0);
  });
});

describe("wordEquivalents", () => {
  it("counts a spaced word as one and an unspaced character as a half", () => {
    expect(wordEquivalents(scanText("one two three"))).toBe(3);
    expect(wordEquivalents(scanText("光合作用"))).toBe(2);
    expect(wordEquivalents(scanText("DNA 是 遗传物质"))).toBe(1 + 5 / 2);
  });
});

describe("codePointLength", () => {
  it("counts an astral character once", () => {
    expect(codePointLength("𠀀a")).toBe(2);
    expect(codePointLength("abcdef", 1, 4)).toBe(3);
  });
});
