/** What handling one inbound event came to; `lanes` are woken after the commit. */
export interface Outcome {
  state: 'done' | 'ignored';
  reason?: string;
  lanes: string[];
}

export const ignored = (reason: string): Outcome => ({ state: 'ignored', reason, lanes: [] });
