import { defineCollection } from "./spec.js";

export const paths = defineCollection({
  name: "paths",
  description: "AI-generated learning pathways",
  testerRule: "userId",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Path id" },
    { name: "user_id", type: "id", source: "userId", required: true, description: "Student profile id" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "Generation time (UTC)" },
    { name: "title", type: "string", source: "title", description: "Path title" },
    { name: "course_id", type: "string", source: "courseId", description: "Course code" },
    { name: "status", type: "string", source: "status", description: "active | completed | abandoned" },
    { name: "model", type: "string", source: "model", description: "Model that generated the path" },
    { name: "task_count", type: "int64", source: "taskCount", description: "Number of tasks generated" },
    { name: "progress", type: "double", source: "progress", description: "Fraction complete, 0-1" },
    { name: "steps", type: "json", source: "steps", description: "Path steps (JSON array)" },
  ],
});
