/** A file in memory, fetched within a size cap (the caps keep this small). */
export interface FileBytes {
  bytes: Buffer;
  mimeType: string;
  filename: string;
}

/** Thrown by `fetchMedia`/`fetchFile` when a file is over the cap: not retryable, explained to agents. */
export class FileTooLarge extends Error {
  constructor(
    readonly limitBytes: number,
    readonly sizeBytes: number | undefined,
  ) {
    super(`file is larger than the ${Math.round(limitBytes / 1024 / 1024)} MB limit`);
    this.name = 'FileTooLarge';
  }
}
