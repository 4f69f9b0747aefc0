/**
 * Turns saxes' terse messages ("1:20: undefined entity.") into texts that say what was expected
 * and what was found. The position is not repeated here: ParseError adds it.
 */
export interface SaxesErrorContext {
  /** The last entity name saxes looked up and did not know. */
  unknownEntity?: string;
  /** Entity names declared in the document's DTD. */
  dtdEntities: ReadonlySet<string>;
  /** The open element the last close tag was matched against. */
  lastClosed?: string;
}

export function translateSaxesError(raw: string, context: SaxesErrorContext): string {
  const message = raw.replace(/^\d+:\d+: /, '');
  if (message === 'undefined entity.') return describeUndefinedEntity(context);
  if (message === 'unexpected close tag.' && context.lastClosed !== undefined) {
    return `malformed XML: a closing tag does not match the open element <${context.lastClosed}>`;
  }
  if (message === 'document must contain a root element.') {
    return 'unexpected end of file: the document has no root element (the file is empty or not XML)';
  }
  const unclosed = /^unclosed tag: (.*)$/.exec(message);
  if (unclosed) return `unexpected end of file: element <${unclosed[1]}> is not closed (the file looks truncated)`;
  if (message === 'unexpected end.') return 'unexpected end of file in the middle of markup (the file looks truncated)';
  return `malformed XML: ${message.replace(/\.$/, '')}`;
}

function describeUndefinedEntity({ unknownEntity, dtdEntities }: SaxesErrorContext): string {
  if (unknownEntity === undefined) return 'malformed XML: reference to an undefined entity';
  const reference = `&${unknownEntity};`;
  if (dtdEntities.has(unknownEntity)) {
    return `entity ${reference} is declared in the document's DTD, but DTD entities are never expanded ` +
      '(protection against entity-expansion "billion laughs" and external-entity attacks)';
  }
  return `malformed XML: reference to undefined entity ${reference}`;
}
