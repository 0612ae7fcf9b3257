import { defineCollection } from "./spec.js";

export const tasks = defineCollection({
  name: "tasks",
  description: "Individual tasks within pathways",
  testerRule: "userId",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Task id" },
    { name: "user_id", type: "id", source: "userId", required: true, description: "Student profile id" },
    { name: "path_id", type: "id", source: "pathId", description: "Path the task belongs to" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "Creation time (UTC)" },
    { name: "title", type: "string", source: "title", description: "Task title" },
    { name: "status", type: "string", source: "status", description: "todo | in_progress | done | skipped" },
    { name: "position", type: "int64", source: "order", description: "Order within the path" },
    { name: "due_at", type: "timestamp", source: "dueAt", description: "Due date (UTC)" },
    { name: "completed_at", type: "timestamp", source: "completedAt", description: "Completion time (UTC)" },
    { name: "estimated_minutes", type: "double", source: "estimatedMinutes", description: "Estimated effort" },
  ],
});
