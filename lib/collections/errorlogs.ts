import { defineCollection } from "./spec.js";

export const errorlogs = defineCollection({
  name: "errorlogs",
  description: "Application error records",
  testerRule: "none",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Error record id" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "When it was logged (UTC)" },
    { name: "level", type: "string", source: "level", description: "error | warn | fatal" },
    { name: "source", type: "string", source: "source", description: "Component that logged it" },
    { name: "code", type: "string", source: "code", description: "Error code" },
    { name: "message", type: "string", freeText: true, source: "message", description: "Error message" },
    { name: "stack", type: "string", freeText: true, source: "stack", description: "Stack trace" },
    { name: "user_id", type: "id", source: "userId", description: "Affected user when known" },
    { name: "context", type: "json", source: "context", description: "Request context (JSON object)" },
  ],
});
