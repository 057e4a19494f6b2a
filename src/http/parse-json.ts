/** JSON.parse that answers `undefined` for text that is not JSON (bad input is data, not a crash). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
