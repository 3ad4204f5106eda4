/** Where an append may go: any state, a new stream, an existing stream, or exactly this revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;
