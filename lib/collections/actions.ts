import { defineCollection } from "./spec.js";

export const actions = defineCollection({
  name: "actions",
  description: "User actions (login, signup, disclosure, onboarding)",
  testerRule: "userId",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Action id" },
    { name: "user_id", type: "id", source: "userId", required: true, description: "Student profile id" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "When it happened (UTC)" },
    { name: "type", type: "string", source: "type", required: true, description: "login | signup | disclosure | onboarding | …" },
    { name: "platform", type: "string", source: "platform", description: "web | ios | android" },
    { name: "duration_ms", type: "int64", source: "durationMs", description: "Duration of the action when measured" },
    { name: "metadata", type: "json", source: "metadata", description: "Action details (JSON object)" },
  ],
});
