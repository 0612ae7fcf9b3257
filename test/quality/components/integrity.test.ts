import { describe, expect, it } from "vitest";
import { integrity } from "../../../lib/quality/components/integrity.js";
import { scoreMessage } from "../../../lib/quality/index.js";

const flagsOf = (aiResponse: string, studentMessage = "How do plants make glucose during photosynthesis?"): string[] =>
  scoreMessage({ studentMessage, aiResponse }).flags;

const longAnswer =
  "Plants make glucose in their leaves during photosynthesis. Chlorophyll captures sunlight, and the plant uses that energy to split water.";

describe("integrity value", () => {
  it("is 0 on a hard failure, else 1 less 0.5 per soft failure", () => {
    expect(integrity([])).toBe(1);
    expect(integrity(["truncated"])).toBe(0.5);
    expect(integrity(["off_topic", "truncated"])).toBe(0);
    expect(integrity(["off_topic", "truncated", "repetitive"])).toBe(0);
    expect(integrity(["refusal"])).toBe(0);
    expect(integrity(["empty"])).toBe(0);
  });
});

describe("failure flags", () => {
  it("finds no failure in a sound answer", () => {
    expect(flagsOf(longAnswer)).toEqual([]);
  });

  it("calls an answer without words empty", () => {
    expect(flagsOf("")).toEqual(["empty"]);
    expect(flagsOf("   \n\t")).toEqual(["empty"]);
    expect(flagsOf("... 👍 !!!")).toEqual(["empty"]);
  });

  it("recognises refusals in several languages", () => {
    const q = "Can you explain photosynthesis?";
    expect(flagsOf("I'm sorry, but I can't help with that request.", q)).toContain("refusal");
    expect(flagsOf("I’m sorry, I cannot assist with this.", q)).toContain("refusal");
    expect(flagsOf("I am unable to answer that.", q)).toContain("refusal");
    expect(flagsOf("As an AI language model, I cannot do that.", q)).toContain("refusal");
    expect(flagsOf("Lo siento, pero no puedo ayudarte con eso.", q)).toContain("refusal");
    expect(flagsOf("Désolé, mais je ne peux pas répondre à cela.", q)).toContain("refusal");
    expect(flagsOf("Es tut mir leid, aber ich kann dir dabei nicht helfen.", q)).toContain("refusal");
    expect(flagsOf("Desculpe, não posso ajudar com isso.", q)).toContain("refusal");
    expect(flagsOf("抱歉，我无法回答这个问题。", q)).toContain("refusal");
  });

  it("still calls it a refusal when it ends on the stock 'anything else?' offer", () => {
    expect(flagsOf("Sorry, I can't help with that. Is there anything else I can help you with?")).toContain("refusal");
  });

  it("does not call a refusal that redirects the student a failure", () => {
    const q = "Can you write my essay on the French Revolution?";
    expect(flagsOf("I can't write it for you, but let's plan it together. What was the main cause?", q)).not.toContain("refusal");
    expect(flagsOf("I can't give you the answer directly. Try listing what plants take in from the air.", q)).not.toContain("refusal");
  });

  it("does not read an apology or 'I can't' inside a long answer as a refusal", () => {
    const answer = `I can't see your diagram, but here is how it works. ${longAnswer} ${longAnswer} ${longAnswer}`;
    expect(flagsOf(answer)).not.toContain("refusal");
  });

  it("recognises error messages and leaked values passed off as answers", () => {
    expect(flagsOf("Error: 429 Too Many Requests")).toContain("error");
    expect(flagsOf("Internal Server Error")).toContain("error");
    expect(flagsOf("An error occurred while generating the response.")).toContain("error");
    expect(flagsOf("Traceback (most recent call last):\n  File \"app.py\", line 3")).toContain("error");
    expect(flagsOf("undefined")).toContain("error");
    expect(flagsOf("null")).toContain("error");
    expect(flagsOf(`${longAnswer} [object Object]`)).toContain("error");
  });

  it("does not flag an answer that explains an error", () => {
    const answer =
      "That TypeError means you called a method on undefined. Check that the variable is set before the loop, then print it to see its value. That usually fixes it.";
    expect(flagsOf(answer, "Why do I get TypeError: cannot read properties of undefined in my loop?")).toEqual([]);
  });

  it("calls an answer that repeats the student's text an echo", () => {
    expect(flagsOf("How do plants make glucose  during photosynthesis?")).toContain("echo");
  });

  it("calls an answer sharing none of 3+ student terms off-topic, but not with fewer terms", () => {
    expect(flagsOf("The French Revolution began in 1789 and changed Europe.")).toContain("off_topic");
    expect(flagsOf("It is the energy currency of the cell.", "What is ATP?")).not.toContain("off_topic");
  });

  it("calls an unclosed code fence or a sentence cut mid-way truncated", () => {
    expect(flagsOf("Here is the code:\n```python\ndef f(n):\n    return n *")).toContain("truncated");
    expect(flagsOf(`${longAnswer} The hydrogen is then joined with carbon dioxide from the`)).toContain("truncated");
    expect(flagsOf(`${longAnswer} The steps are as follows:`)).toContain("truncated");
  });

  it("does not call a list, heading, link or short reply truncated", () => {
    expect(flagsOf(`${longAnswer}\n\n- Review chapter 3`)).not.toContain("truncated");
    expect(flagsOf(`${longAnswer}\n\nMore at https://example.com/photosynthesis`)).not.toContain("truncated");
    expect(flagsOf(`${longAnswer} Good luck 🙂`)).not.toContain("truncated");
    expect(flagsOf("Yes, plants make glucose", "Do plants make glucose?")).not.toContain("truncated");
  });

  it("calls a sentence repeated three times repetitive", () => {
    const loop = "Plants make glucose from light and water. ".repeat(3);
    expect(flagsOf(`${longAnswer} ${loop}`)).toContain("repetitive");
    expect(flagsOf(`${longAnswer} ${"Plants make glucose from light and water. ".repeat(2)}`)).not.toContain("repetitive");
    expect(flagsOf(`${longAnswer}\n- Yes.\n- Yes.\n- Yes.`)).not.toContain("repetitive"); // too short to be a loop
  });
});
