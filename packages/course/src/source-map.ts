/**
 * Reading sucrase's source map of a student's file, so that a run-time error points at the student's own
 * column: sucrase keeps every line where it was, but removing the types (`: Record<string, number>`,
 * `as any`) moves the code after them to the left. Decodes the map's `mappings` (Base64 VLQ, the Source Map
 * Revision 3 format, https://sourcemaps.info/spec.html) into, per generated line, the segments
 * `[generated column, original line, original column]`.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One mapping of a generated line: where a token of the transpiled code came from (all 0-based). */
type Segment = readonly [generatedColumn: number, originalLine: number, originalColumn: number];

/** A place in a file, 1-based as stack traces print it. */
export interface Place {
  /** The line, from 1. */
  line: number;
  /** The column, from 1. */
  column: number;
}

/** The Base64 VLQ numbers of one segment (`AAAA` → [0, 0, 0, 0]). */
function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    if (digit === -1) return [];
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/**
 * @internal Turns a source map's `mappings` into a function from a place in the generated code to the
 * place in the original source: the segment at or before the column, plus the distance from it (the text
 * of a token is the same in both). A place on a line without segments is returned as it is.
 *
 * @param mappings - The `mappings` field of a version 3 source map with one source.
 * @returns The mapping function (1-based lines and columns in and out).
 */
export function placeMapper(mappings: string): (place: Place) => Place {
  const lines: Segment[][] = [];
  let originalLine = 0;
  let originalColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const text of line.split(',')) {
      if (text === '') continue;
      const [column, , lineDelta, columnDelta] = decodeSegment(text);
      if (column === undefined) continue;
      generatedColumn += column;
      if (lineDelta === undefined || columnDelta === undefined) continue;
      originalLine += lineDelta;
      originalColumn += columnDelta;
      segments.push([generatedColumn, originalLine, originalColumn]);
    }
    lines.push(segments);
  }
  return ({ line, column }) => {
    const segments = lines[line - 1] ?? [];
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment[0] > column - 1) break;
      found = segment;
    }
    if (found === undefined) return { line, column };
    return { line: found[1] + 1, column: found[2] + (column - 1 - found[0]) + 1 };
  };
}
