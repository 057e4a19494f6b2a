import type { z } from 'zod';

/**
 * Why a payload part was not read, in words fit for a log line: the field's path and what was
 * wrong with its type or value (`statuses.0.recipient_id: expected string, received undefined`).
 * Zod's messages name types and allowed values, never the value received, so no customer text
 * reaches the log.
 */
export function schemaIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'unreadable';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const what = issue.message.replace(/^Invalid input: /, '');
  return path ? `${path}: ${what}` : what;
}
