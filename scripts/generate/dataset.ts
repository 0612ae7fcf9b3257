import { Long, ObjectId, type Db, type Document } from "mongodb";

/**
 * Realistic, deterministic data for all six collections: real students and testers of each kind,
 * userIds stored as ObjectId or hex string, createdAt ties, unicode and large messages, and a few
 * broken documents (untimed ones for quarantine, mistyped ones for `etl_issues`). Used by the integration tests, the demo and the benchmark.
 */
export interface DatasetOptions {
  seed?: number;
  from: Date;
  to: Date;
  students?: number;
  /** Testers per rule (isTester, isArchived, first_name). */
  testersPerRule?: number;
  messages?: number;
  actions?: number;
  paths?: number;
  tasksPerPath?: number;
  errorlogs?: number;
  /** Add untimed documents (quarantine) and documents with missing or mistyped fields (`etl_issues`). */
  broken?: boolean;
}

export interface Dataset {
  profiles: Document[];
  messages: Document[];
  actions: Document[];
  paths: Document[];
  tasks: Document[];
  errorlogs: Document[];
  studentIds: ObjectId[];
  testerIds: ObjectId[];
  /** _ids of documents that must land in quarantine (no usable createdAt), per collection. */
  brokenIds: Record<string, unknown[]>;
  /** _ids of documents that land in curated with `etl_issues` (a field missing or mistyped), per collection. */
  flawedIds: Record<string, unknown[]>;
}

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COURSES = ["BIO101", "CHEM110", "MATH221", "HIST150", "CS50", "ECON201"];
const CATEGORIES = ["activity", "question", "profilechat", "onboarding", "system"];
const QUESTIONS = [
  ["How does photosynthesis convert light energy into chemical energy?", "Photosynthesis converts light energy into chemical energy in the chloroplasts: light reactions split water and make ATP and NADPH, and the Calvin cycle uses them to fix carbon dioxide into glucose."],
  ["What is the derivative of x^2 * sin(x)?", "Use the product rule: the derivative of x^2 * sin(x) is 2x * sin(x) + x^2 * cos(x).\n\n```python\nimport sympy as sp\nx = sp.symbols('x')\nprint(sp.diff(x**2 * sp.sin(x), x))\n```"],
  ["Why did the Roman Republic fall?", "Historians point to several causes of the fall of the Roman Republic: civil wars, the power of generals like Caesar, economic inequality and the breakdown of political norms in the Senate."],
  ["¿Qué es la oferta y la demanda?", "La oferta y la demanda describen cómo el precio de un bien se ajusta: cuando la demanda supera la oferta, el precio sube; cuando la oferta supera la demanda, el precio baja."],
  ["光合作用的主要产物是什么？", "光合作用的主要产物是葡萄糖和氧气。植物利用光能把二氧化碳和水转化为葡萄糖，同时释放氧气。"],
  ["ما هو قانون نيوتن الأول؟", "قانون نيوتن الأول ينص على أن الجسم يبقى في حالة سكون أو حركة منتظمة ما لم تؤثر عليه قوة خارجية."],
  ["Can you help me plan my study week? 📚🙂", "Sure! 📅 Plan your study week in blocks: Monday and Wednesday for BIO101 reading, Tuesday for MATH221 practice problems, Thursday for review, and Friday for a short self-quiz."],
];
const FAILED_ANSWERS = ["", "I'm sorry, but I can't help with that request.", "Error: upstream model timeout (504)"];

export function generateDataset(options: DatasetOptions): Dataset {
  const random = rng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const span = options.to.getTime() - options.from.getTime();
  // Whole seconds, and every 7th document reuses the previous time, so createdAt ties are common.
  let previous = options.from;
  const at = (i: number): Date => {
    if (i % 7 === 3) return previous;
    previous = new Date(options.from.getTime() + Math.floor((random() * span) / 1000) * 1000);
    return previous;
  };
  const idForm = (id: ObjectId, i: number): ObjectId | string => (i % 3 === 0 ? id.toHexString() : id);

  const studentIds = Array.from({ length: options.students ?? 40 }, () => new ObjectId());
  const perRule = options.testersPerRule ?? 2;
  const profiles: Document[] = studentIds.map((id, i) => ({
    _id: id,
    createdAt: at(i),
    updatedAt: new Date(options.to.getTime()),
    institutionId: new ObjectId("65a000000000000000000001"),
    courseIds: [pick(COURSES), pick(COURSES)],
    gradeLevel: pick(["freshman", "sophomore", "junior", "senior"]),
    locale: pick(["en-US", "es-MX", "zh-CN", "ar-EG"]),
    onboardingCompleted: random() > 0.2,
    lastActiveAt: new Date(options.to.getTime() - Math.floor(random() * 86_400_000)),
    preferences: { theme: pick(["dark", "light"]), notifications: random() > 0.5 },
    ...(i % 5 === 0 ? { first_name: "" } : {}), // empty first_name: still a real student
    ...(i % 11 === 0 ? { isTester: false } : {}),
  }));
  const testerIds: ObjectId[] = [];
  const testerKinds: Document[] = [{ isTester: true }, { isArchived: true }, { first_name: "Dev" }];
  for (const kind of testerKinds) {
    for (let k = 0; k < perRule; k++) {
      const id = new ObjectId();
      testerIds.push(id);
      profiles.push({ _id: id, createdAt: at(profiles.length), locale: "en-US", ...kind });
    }
  }
  const everyone = [...studentIds, ...testerIds];
  const brokenIds: Record<string, unknown[]> = { profiles: [], messages: [], actions: [], paths: [], tasks: [], errorlogs: [] };
  const flawedIds: Record<string, unknown[]> = { profiles: [], messages: [], actions: [], paths: [], tasks: [], errorlogs: [] };

  const messages: Document[] = [];
  for (let i = 0; i < (options.messages ?? 300); i++) {
    const user = everyone[i % everyone.length]!;
    const createdAt = at(i);
    const [question, answer] = pick(QUESTIONS);
    const failed = random() < 0.05;
    const large = i % 97 === 0;
    messages.push({
      _id: new ObjectId(),
      userId: idForm(user, i),
      category: pick(CATEGORIES),
      courseId: pick(COURSES),
      sessionId: `s-${Math.floor(i / 5)}`,
      studentMessage: large ? `${question} ${"Please explain in detail. ".repeat(4000)}` : question,
      aiResponse: failed ? pick(FAILED_ANSWERS) : answer,
      createdAt,
      respondedAt: new Date(createdAt.getTime() + 500 + Math.floor(random() * 8000)),
      model: pick(["gpt-4o", "gpt-4o-mini"]),
      ...(random() < 0.3 ? { rating: 1 + Math.floor(random() * 5) } : {}),
      ...(random() < 0.2 ? { feedback: pick(["up", "down"]) } : {}),
      flagged: random() < 0.02,
      tokens: { prompt: Long.fromNumber(100 + i), completion: 50 + (i % 300) },
      ...(i % 50 === 0 ? { clientVersion: "2.3.1" } : {}), // a field the schema does not know
    });
  }

  const actions: Document[] = [];
  for (let i = 0; i < (options.actions ?? 200); i++) {
    actions.push({
      _id: new ObjectId(),
      userId: idForm(everyone[i % everyone.length]!, i),
      createdAt: at(i),
      type: pick(["login", "signup", "disclosure", "onboarding"]),
      platform: pick(["web", "ios", "android"]),
      durationMs: Math.floor(random() * 5000),
      metadata: { ip_country: pick(["US", "MX", "CN"]), score: 12.5 },
    });
  }

  const paths: Document[] = [];
  const tasks: Document[] = [];
  for (let i = 0; i < (options.paths ?? 60); i++) {
    const user = everyone[i % everyone.length]!;
    const pathId = new ObjectId();
    const createdAt = at(i);
    const steps = Array.from({ length: options.tasksPerPath ?? 3 }, (_, s) => ({ title: `Step ${s + 1}`, kind: pick(["read", "quiz", "video"]) }));
    paths.push({
      _id: pathId,
      userId: idForm(user, i),
      createdAt,
      title: `${pick(COURSES)} — week ${1 + (i % 12)} plan`,
      courseId: pick(COURSES),
      status: pick(["active", "completed", "abandoned"]),
      model: "gpt-4o",
      taskCount: steps.length,
      progress: Math.round(random() * 100) / 100,
      steps,
    });
    steps.forEach((step, s) => {
      tasks.push({
        _id: new ObjectId(),
        userId: idForm(user, i + s),
        pathId,
        createdAt: new Date(createdAt.getTime() + s * 1000),
        title: step.title,
        status: pick(["todo", "in_progress", "done", "skipped"]),
        order: s,
        dueAt: new Date(createdAt.getTime() + 7 * 86_400_000),
        ...(random() < 0.4 ? { completedAt: new Date(createdAt.getTime() + 3 * 86_400_000) } : {}),
        estimatedMinutes: 15 + Math.floor(random() * 45),
      });
    });
  }

  const errorlogs: Document[] = [];
  for (let i = 0; i < (options.errorlogs ?? 40); i++) {
    errorlogs.push({
      _id: new ObjectId(),
      createdAt: at(i),
      level: pick(["error", "warn", "fatal"]),
      source: pick(["api", "worker", "web"]),
      code: pick(["E_TIMEOUT", "E_VALIDATION", "E_UPSTREAM"]),
      message: "Request failed",
      stack: "Error: Request failed\n    at handler (api.js:10:5)",
      ...(i % 4 === 0 ? { userId: studentIds[i % studentIds.length] } : {}),
      context: { route: "/api/chat", status: 500 },
    });
  }

  if (options.broken ?? true) {
    const mid = new Date(options.from.getTime() + span / 2);
    const broken = (collection: string, doc: Document) => {
      brokenIds[collection]!.push(doc._id);
      return doc;
    };
    const flawed = (collection: string, doc: Document) => {
      flawedIds[collection]!.push(doc._id);
      return doc;
    };
    const student = studentIds[1]!;
    // Untimed documents are found by their ObjectId's creation second, as the driver would set it.
    const untimedId = (k: number) => ObjectId.createFromTime(Math.floor(mid.getTime() / 1000) + k);
    messages.push(
      broken("messages", { _id: untimedId(0), userId: student, category: "question", studentMessage: "no time", aiResponse: "ok" }),
      broken("messages", { _id: untimedId(1), userId: student, category: "question", createdAt: mid.toISOString(), studentMessage: "string time", aiResponse: "ok" }),
      flawed("messages", { _id: new ObjectId(), userId: student, category: "question", createdAt: mid, rating: "five", studentMessage: "bad rating", aiResponse: "ok" }),
      flawed("messages", { _id: new ObjectId(), category: "activity", createdAt: mid, studentMessage: "no user", aiResponse: "ok" }),
    );
    actions.push(flawed("actions", { _id: new ObjectId(), userId: student, createdAt: mid, type: 42 }));
    tasks.push(flawed("tasks", { _id: new ObjectId(), userId: student, createdAt: mid, order: 1.5, title: "half step" }));
  }
  return { profiles, messages, actions, paths, tasks, errorlogs, studentIds, testerIds, brokenIds, flawedIds };
}

export const datasetCollections = ["profiles", "messages", "actions", "paths", "tasks", "errorlogs"] as const;

export async function insertDataset(db: Db, dataset: Dataset): Promise<void> {
  for (const name of datasetCollections) {
    const docs = dataset[name];
    for (let i = 0; i < docs.length; i += 1000) await db.collection(name).insertMany(docs.slice(i, i + 1000));
  }
}
