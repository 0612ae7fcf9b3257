import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../lib/telemetry/index.js";
import { redactValue, registerEnvironmentSecrets } from "../../lib/telemetry/redact.js";

/**
 * Realistic secrets as drivers, SDKs and people put them in error messages and log lines. Each
 * case lists the substrings that must not survive and, where it matters, the ones that must (the
 * host an operator needs to read).
 */
interface Case {
  name: string;
  text: string;
  secrets: string[];
  keeps?: string[];
}

const corpus: Case[] = [
  { name: "SRV URI", text: "connect to mongodb+srv://etl:hunter2pass@cluster0.abcd.mongodb.net/pathways?retryWrites=true failed", secrets: ["hunter2pass"], keeps: ["cluster0.abcd.mongodb.net", "retryWrites=true"] },
  { name: "multi-host URI", text: "mongodb://etl:S3cr3tPw@h1.example.net:27017,h2.example.net:27017,h3.example.net:27017/pathways?replicaSet=rs0", secrets: ["S3cr3tPw", "etl:"], keeps: ["h2.example.net:27017", "replicaSet=rs0"] },
  { name: "percent-encoded password with @ : / ?", text: "uri=mongodb://etl:p%40ss%3Aw%2Fo%3Frd@db.example.net:27017/db", secrets: ["p%40ss%3Aw%2Fo%3Frd", "%3Frd"], keeps: ["db.example.net:27017"] },
  { name: "unencoded @ in the password", text: "MongoParseError for mongodb://etl:2Secret@x@127.0.0.1:27017/db", secrets: ["2Secret", "Secret@x"], keeps: ["127.0.0.1:27017"] },
  { name: "unencoded : / ? in the password", text: "bad uri mongodb://etl:pa:ss/wo?rd@10.0.0.5:27017/db.", secrets: ["pa:ss", "ss/wo", "wo?rd"], keeps: ["10.0.0.5:27017"] },
  { name: "AWS_SESSION_TOKEN in authMechanismProperties", text: "mongodb+srv://AKIAEXAMPLE:awsSecretKey123@cluster0.x.mongodb.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:FwoGZXIvYXdzEJr1", secrets: ["awsSecretKey123", "FwoGZXIvYXdzEJr1"], keeps: ["cluster0.x.mongodb.net"] },
  { name: "AWS_SESSION_TOKEN in a URI that does not parse", text: "mongodb://a:b@c@h/?authMechanismProperties=AWS_SESSION_TOKEN%3AFwoSessTok99,SERVICE_NAME:x", secrets: ["FwoSessTok99"] },
  { name: "tlsCertificateKeyFilePassword", text: "mongodb://db.example.net:27017/?tls=true&tlsCertificateKeyFile=/etc/c.pem&tlsCertificateKeyFilePassword=pemPassw0rd", secrets: ["pemPassw0rd"], keeps: ["tlsCertificateKeyFile="] },
  { name: "proxyPassword", text: "mongodb://db.example.net:27017/?proxyHost=proxy&proxyUsername=pu&proxyPassword=pr0xyPw", secrets: ["pr0xyPw"] },
  { name: "MONGODB_URI assignment", text: "MONGODB_URI=mongodb://etl:envPw123@db.example.net/db", secrets: ["envPw123"] },
  { name: "storage AccountKey", text: "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=c2VjcmV0a2V5PT0vKyE=;EndpointSuffix=core.windows.net", secrets: ["c2VjcmV0a2V5PT0vKyE="], keeps: ["AccountName=lake", "EndpointSuffix=core.windows.net"] },
  { name: "storage SAS in a connection string", text: "BlobEndpoint=https://lake.blob.core.windows.net/;SharedAccessSignature=sv=2024-08-04&ss=b&srt=co&sp=rl&se=2026-12-31&sig=SaSsIgNaTuRe%2B%3D", secrets: ["SaSsIgNaTuRe"] },
  { name: "SAS in a URL", text: "GET https://lake.blob.core.windows.net/raw/x.jsonl?sv=2024-08-04&se=2026-12-01&sr=b&sp=r&sig=AbC%2Bdef%3D failed", secrets: ["AbC%2Bdef%3D"], keeps: ["lake.blob.core.windows.net/raw/x.jsonl", "se=2026-12-01"] },
  { name: "SAS in a percent-encoded URL", text: "redirect=https%3A%2F%2Flake.blob.core.windows.net%2Fraw%3Fsv%3D2024%26sig%3DEnCoDeDsIg%252B", secrets: ["EnCoDeDsIg"] },
  { name: "credentials in a percent-encoded URL", text: "next=mongodb%3A%2F%2Fetl%3AencPw99%40db.example.net%3A27017", secrets: ["encPw99"] },
  { name: "Service Bus SharedAccessKey", text: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SbKeyAbc123+/=", secrets: ["SbKeyAbc123"], keeps: ["SharedAccessKeyName=RootManageSharedAccessKey"] },
  { name: "Service Bus SAS token header", text: "Authorization: SharedAccessSignature sr=https%3a%2f%2fns.servicebus.windows.net&sig=SbSigXyz%3d&se=1700000000&skn=RootManage", secrets: ["SbSigXyz"] },
  { name: "util.inspect object with password", text: `options ${inspect({ user: "etl", password: "inspectPw!", host: "h" })}`, secrets: ["inspectPw!"], keeps: ["user: 'etl'"] },
  { name: "JSON object with password", text: '{"user":"etl","password":"js\\"onPw","n":1}', secrets: ["onPw"], keeps: ['"user":"etl"', '"n":1'] },
  { name: "password holding ; in a connection string", text: "Server=tcp:x;User ID=etl;Password=semi;colonPw;Encrypt=true", secrets: ["semi", "colonPw"], keeps: ["Encrypt=true"] },
  { name: "password holding ,", text: "login failed password=comma,Pw,42 user=etl", secrets: ["comma", "Pw,42"], keeps: ["user=etl"] },
  { name: "quoted password with space and ;", text: 'Password="has space;pw" Server=x', secrets: ["has space", "space;pw"] },
  { name: "AZURE_CLIENT_SECRET", text: "env: AZURE_CLIENT_SECRET=Az~Cl13nt.S3cr3t_value AZURE_CLIENT_ID=abc", secrets: ["Az~Cl13nt.S3cr3t_value"], keeps: ["AZURE_CLIENT_ID=abc"] },
  { name: "clientSecret in JSON", text: '{"tenantId":"t","clientSecret":"cl13ntSecretVal"}', secrets: ["cl13ntSecretVal"] },
  { name: "clientSecret in util.inspect", text: inspect({ clientId: "c", clientSecret: "inspCl13ntSecret" }), secrets: ["inspCl13ntSecret"] },
  { name: "Bearer JWT", text: "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJldGwifQ.c2lnbmF0dXJlX2hlcmU", secrets: ["eyJhbGciOiJSUzI1NiJ9", "c2lnbmF0dXJlX2hlcmU"] },
  { name: "Bearer opaque token in inspected headers", text: inspect({ headers: { authorization: "Bearer opaqueToken123" } }), secrets: ["opaqueToken123"] },
  { name: "bare JWT", text: "token expired: eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDB9.ZmFrZXNpZ25hdHVyZQ", secrets: ["ZmFrZXNpZ25hdHVyZQ"] },
  { name: "SharedKey header", text: "Authorization: SharedKey lake:Zm9vYmFyU2hhcmVkS2V5", secrets: ["Zm9vYmFyU2hhcmVkS2V5"] },
  { name: "?code= function key", text: "POST https://app.azurewebsites.net/api/backfill?code=FuncKeyAbC123== returned 401", secrets: ["FuncKeyAbC123"], keeps: ["app.azurewebsites.net/api/backfill"] },
  { name: "&code= in a relative URL", text: "GET /api/health?collection=x&code=RelFuncKey77", secrets: ["RelFuncKey77"], keeps: ["collection=x"] },
  { name: "x-functions-key header", text: "x-functions-key: hdrFuncKey456", secrets: ["hdrFuncKey456"] },
  { name: "x-functions-key in JSON headers", text: '{"x-functions-key":"jsonFuncKey789","accept":"*/*"}', secrets: ["jsonFuncKey789"] },
  { name: "basic auth in an HTTP URL", text: "proxy https://user:httpPw321@proxy.example.com:8080 refused", secrets: ["httpPw321"], keeps: ["proxy.example.com:8080"] },
  { name: "access_token in a query", text: "https://login.example.com/cb?state=x&access_token=accTok987", secrets: ["accTok987"] },
  { name: "connection string inside inspect", text: inspect({ connectionString: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=inspSbKey=" }), secrets: ["inspSbKey"] },
];

describe("redactSecrets: a corpus of realistic secrets", () => {
  it("holds at least 30 cases", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus)("$name: no secret survives", ({ text, secrets, keeps }) => {
    const out = redactSecrets(text);
    for (const secret of secrets) expect(out, `${secret} leaked in: ${out}`).not.toContain(secret);
    for (const kept of keeps ?? []) expect(out).toContain(kept);
    expect(out).toContain("***");
  });
});

describe("redactSecrets", () => {
  it("keeps the host of a MongoDB URI and drops user and password", () => {
    expect(redactSecrets("connect to mongodb+srv://etl:hunter2@cluster0.abcd.mongodb.net/?retryWrites=true failed")).toBe(
      "connect to mongodb+srv://***@cluster0.abcd.mongodb.net/?retryWrites=true failed",
    );
  });

  it("replaces the secrets of its own environment wherever they appear, even outside any URI", () => {
    registerEnvironmentSecrets({
      MONGODB_URI: "mongodb://etl:Kn0wnP@ss@127.0.0.1:27017/db",
      LAKE_STORAGE: "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=RW52S2V5MTIzNDU2Nzg=;EndpointSuffix=core.windows.net",
    });
    const out = redactSecrets("MongoDB connection failed (Kn0wnP@ss@127.0.0.1:27017); key RW52S2V5MTIzNDU2Nzg= and Kn0wnP%40ss");
    expect(out).not.toContain("Kn0wnP");
    expect(out).not.toContain("RW52S2V5MTIzNDU2Nzg=");
    expect(out).toContain("127.0.0.1:27017");
  });

  it("leaves ordinary log lines alone", () => {
    const lines = [
      'messages: raw: 3 docs → raw/messages/date=2026-11-20/messages_20261120_120000.jsonl {"runId":"20261120_120000","collection":"messages"}',
      "profiles 2026-11-20: done, 120 docs in 2 files, 1 superseded files retired",
      "Backfill job bf_20261120_0a1b2c3d: 42 chunks; draining the queue here (status: GET /api/backfill/bf_20261120_0a1b2c3d)",
      "MongoDB server error BadValue (code 2) while reading messages",
    ];
    for (const line of lines) expect(redactSecrets(line)).toBe(line);
  });
});

describe("redactValue", () => {
  it("redacts strings inside fields and blanks secret-named keys", () => {
    const out = redactValue({ runId: "r1", password: "fieldPw", nested: { uri: "mongodb://u:nestedPw@h/db", n: 3 }, list: ["Bearer listTok123"] });
    const text = JSON.stringify(out);
    expect(text).not.toContain("fieldPw");
    expect(text).not.toContain("nestedPw");
    expect(text).not.toContain("listTok123");
    expect(out).toMatchObject({ runId: "r1", password: "***", nested: { n: 3 } });
  });
});
