import { messageQuality } from "../quality/index.js";
import { defineCollection } from "./spec.js";

export const messages = defineCollection({
  name: "messages",
  description: "Student/AI message pairs with quality scores computed at transform time",
  testerRule: "userId",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Message pair id" },
    { name: "user_id", type: "id", source: "userId", required: true, description: "Student profile id" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "Student message time (UTC)" },
    { name: "responded_at", type: "timestamp", source: "respondedAt", description: "AI answer time (UTC)" },
    { name: "category", type: "string", source: "category", required: true, description: "activity | question | profilechat | onboarding | system" },
    { name: "course_id", type: "string", source: "courseId", description: "Course code" },
    { name: "path_id", type: "id", source: "pathId", description: "Learning path the exchange belongs to" },
    { name: "session_id", type: "string", source: "sessionId", description: "Chat session" },
    { name: "student_message", type: "string", freeText: true, source: "studentMessage", description: "Student text" },
    { name: "ai_response", type: "string", freeText: true, source: "aiResponse", description: "AI answer text" },
    { name: "model", type: "string", source: "model", description: "Model that answered" },
    { name: "rating", type: "int64", source: "rating", description: "Student rating 1-5 when given" },
    { name: "feedback", type: "string", source: "feedback", description: "Student thumbs: up | down" },
    { name: "flagged", type: "boolean", source: "flagged", description: "Flagged for review" },
    { name: "tokens", type: "json", source: "tokens", description: "Token usage (JSON object)" },
  ],
  derivation: messageQuality,
});
