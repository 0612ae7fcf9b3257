import { defineCollection } from "./spec.js";

export const profiles = defineCollection({
  name: "profiles",
  description: "Student profiles (testers, archived and developer-created profiles excluded)",
  testerRule: "profile",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "Profile id" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "Profile creation (UTC)" },
    { name: "updated_at", type: "timestamp", source: "updatedAt", description: "Last profile update (UTC)" },
    { name: "institution_id", type: "id", source: "institutionId", description: "Institution the student belongs to" },
    { name: "course_ids", type: "json", source: "courseIds", description: "Enrolled course ids (JSON array)" },
    { name: "grade_level", type: "string", source: "gradeLevel", description: "Self-reported level (e.g. freshman)" },
    { name: "locale", type: "string", source: "locale", description: "Preferred language tag" },
    { name: "onboarding_completed", type: "boolean", source: "onboardingCompleted", description: "Finished onboarding" },
    { name: "last_active_at", type: "timestamp", source: "lastActiveAt", description: "Last activity (UTC)" },
    { name: "preferences", type: "json", source: "preferences", description: "Profile preferences (JSON object)" },
  ],
});
