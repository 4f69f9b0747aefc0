/** Helpers for the kinds' set-based `createMany`: arrays for unnest() and mapping rows back to inputs. */

/** A text[] parameter of JSON documents: node-pg has no jsonb[] of objects, so each is cast in SQL. */
export function jsonTexts(values: readonly unknown[]): string[] {
  return values.map((value) => JSON.stringify(value));
}

/** SQL for a text[] column out of a JSON-array text `expression`, order kept. */
export function textArrayFromJson(expression: string): string {
  return `ARRAY(SELECT e.t FROM jsonb_array_elements_text((${expression})::jsonb) WITH ORDINALITY AS e(t, i) ORDER BY e.i)`;
}

/**
 * Maps the rows a multi-row INSERT returned back to the inputs that produced them: each row goes
 * to the first input with its key (the statement inserts in input order, and a key is inserted at
 * most once). Inputs without a row get null.
 */
export function idsByInput(inputKeys: readonly string[], rows: readonly { id: unknown; key: string }[]): (string | null)[] {
  const created = new Map(rows.map((row) => [row.key, String(row.id)]));
  return inputKeys.map((key) => {
    const id = created.get(key);
    if (id === undefined) return null;
    created.delete(key);
    return id;
  });
}
