import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { XmlElement } from './xml-element.js';
import { RepeatedElements } from './repeated-elements.js';

const RULES = { ignoredAttributes: ['port'], ignoredChildren: ['output'] };

function element(name: string, attributes: Record<string, string>, children: XmlElement[] = [], text = ''): XmlElement {
  return { name, attributes, text, children, line: 1, column: 1 };
}

/** A record as a scanner repeats it per host: the port and the output differ, the rest does not. */
function item(port: string, overrides: { title?: string; extraChild?: boolean; attributes?: Record<string, string> } = {}): XmlElement {
  return element('item', { id: '42', port, ...overrides.attributes }, [
    element('title', {}, [], overrides.title ?? 'Weak ciphers'),
    element('refs', {}, [element('ref', { type: 'cve' }, [], 'CVE-2020-0001')]),
    element('output', {}, [], `seen on ${port}`),
    ...(overrides.extraChild ? [element('note', {}, [], 'x')] : []),
  ]);
}

test('an element equal but for the ignored attributes and children repeats the one kept under its key', () => {
  const repeated = new RepeatedElements(RULES);
  assert.equal(repeated.repeats('42', item('443')), false, 'the first one is new');
  assert.equal(repeated.repeats('42', item('80')), true);
  assert.equal(repeated.repeats('43', item('80')), false, 'another key has its own kept element');
});

test('any other difference makes it new, and it becomes the one kept', () => {
  const repeated = new RepeatedElements(RULES);
  repeated.repeats('42', item('443'));
  assert.equal(repeated.repeats('42', item('443', { title: 'Strong ciphers' })), false, 'a child text');
  assert.equal(repeated.repeats('42', item('443', { title: 'Strong ciphers' })), true, 'now kept');
  assert.equal(repeated.repeats('42', item('443')), false, 'the first one again is new again: only the last is kept');
  assert.equal(repeated.repeats('42', item('443', { extraChild: true })), false, 'one more child');
  assert.equal(repeated.repeats('42', item('443')), false, 'one child less');
  assert.equal(repeated.repeats('42', item('443', { attributes: { severity: '3' } })), false, 'one more attribute');
  assert.equal(repeated.repeats('42', item('443')), false, 'one attribute less');
  const nested = item('443');
  nested.children[1]!.children[0]!.attributes.type = 'bid';
  assert.equal(repeated.repeats('42', nested), false, 'an attribute of a grandchild');
});

test('what is kept does not alias the parsed element: changing it afterwards changes nothing', () => {
  const repeated = new RepeatedElements(RULES);
  const first = item('443');
  repeated.repeats('42', first);
  first.children[0]!.text = 'changed';
  first.attributes.id = 'changed';
  assert.equal(repeated.repeats('42', item('80')), true);
});

test('past the budget, new keys are never kept (so never repeat) while kept keys still compare', () => {
  const repeated = new RepeatedElements(RULES, 600);
  assert.equal(repeated.repeats('a', item('1')), false);
  assert.equal(repeated.repeats('b', item('1')), false, 'over the budget: not kept');
  assert.equal(repeated.repeats('b', item('1')), false, 'so it never repeats');
  assert.equal(repeated.repeats('a', item('2')), true, 'the key kept before still does');
});
