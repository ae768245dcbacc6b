/** members who write and review standard solutions */
export const AUTHORS = ['lead', 'senior'] as const;
/** everyone who reads the knowledge base (contractors follow SOPs) */
export const READERS = ['lead', 'senior', 'agent', 'contractor', 'analyst', 'service'] as const;
