// Types for postgres.mjs, so TypeScript tests can import it directly.
export declare function findPostgres(options?: { install?: boolean }): Promise<string>;
