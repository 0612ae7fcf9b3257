import { BSON, MongoNetworkError, MongoServerError, MongoServerSelectionError } from "mongodb";
import { describe, expect, it } from "vitest";
import { errorText } from "../../lib/telemetry/index.js";

const ssn = "123-45-6789";

describe("errorText", () => {
  it("maps a server error to its code name and code, never the message that quotes a document", () => {
    const err = new MongoServerError({ message: `Regular expression is invalid: /^${ssn}(?<x/`, code: 51091, codeName: "Location51091" });
    expect(errorText(err)).toBe("MongoDB server error Location51091 (code 51091); the server's message is not logged as it can quote documents");
  });

  it("maps a deserialisation error to fixed text", () => {
    let thrown: unknown;
    try {
      BSON.deserialize(Buffer.from([5, 0, 0, 0, 1]));
    } catch (err) {
      thrown = err;
    }
    expect((thrown as Error).name).toBe("BSONError");
    expect(errorText(thrown)).toMatch(/^MongoDB returned a document the driver could not decode \(BSONError\); its values are not logged/);
  });

  it("maps a regular expression JavaScript cannot compile (thrown inside the cursor) to fixed text", () => {
    let thrown: unknown;
    try {
      new RegExp(`(?i)${ssn}(?>x)`);
    } catch (err) {
      thrown = err;
    }
    expect(String(thrown)).toContain(ssn); // the engine quotes the pattern…
    expect(errorText(thrown)).not.toContain(ssn); // …the text that leaves does not
    expect(errorText(thrown)).toMatch(/regular expression JavaScript cannot compile/);
  });

  it("keeps network errors (hosts, no documents) but redacts credentials in them", () => {
    const err = new MongoNetworkError("connection to mongodb://etl:netPw123@db.example.net:27017 closed");
    expect(errorText(err)).toMatch(/^MongoDB could not be reached \(MongoNetworkError: connection to mongodb:\/\/\*\*\*@db\.example\.net:27017\/? closed\); check that the server is up, MONGODB_URI/);
    expect(errorText(err)).not.toContain("netPw123");
  });

  it("names MongoDB as unreachable whatever words the driver used for the lost socket", () => {
    for (const err of [new MongoNetworkError("This socket has been ended by the other party"), new MongoServerSelectionError("connect ECONNREFUSED 127.0.0.1:1", { servers: new Map(), type: "Unknown", setName: null } as never)]) {
      expect(errorText(err)).toMatch(/^MongoDB could not be reached \(Mongo\w+Error: .+\); check that the server is up/);
    }
    expect(errorText(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:10000"), { code: "ECONNREFUSED" }))).toBe("connect ECONNREFUSED 127.0.0.1:10000");
  });

  it("redacts anything else, including non-Error values", () => {
    expect(errorText(new Error("upload failed: ?sv=1&sig=Abc123%3D"))).toBe("upload failed: ?sv=1&sig=***");
    expect(errorText("password=plainPw9")).toBe("password=***");
  });
});
