// Placeholder until the PostgreSQL launcher lands: uses DATABASE_URL when set.
export default async function globalSetup(): Promise<void> {}
