import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/app-error.js';
import { answersInput, questionInput, type Question } from './assessment-input.js';

const questions: Question[] = [
  { qid: 'q1', title: 'MFA enforced?', text: 'Is MFA enforced for all admins?' },
  { qid: 'q2', title: 'Backups tested?', text: 'Are restores tested yearly?' },
];

function refused(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === code && pattern.test(e.message));
}

test('answers keep what was chosen and their note, and copy the question they answer', () => {
  const answers = answersInput(
    [{ qid: 'q2', answer: [{ key: 'yes', value: 'Yes' }], note: '  restored in March <script>x()</script>', status: 'answered', title: 'stale title' }],
    questions,
    false,
  );
  assert.deepEqual(answers, [
    { qid: 'q2', title: 'Backups tested?', question: 'Are restores tested yearly?', note: 'restored in March', answer: [{ key: 'yes', value: 'Yes' }], status: 'answered' },
  ]);
});

test('an empty or missing note is refused naming the answer', () => {
  refused(() => answersInput([{ qid: 'q1', note: 'ok' }, { qid: 'q2', note: '   ' }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[1\] \(qid "q2", "Backups tested\?"\): note must be a non-empty string; found "   "/);
  refused(() => answersInput([{ qid: 'q1' }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[0\] \(qid "q1", "MFA enforced\?"\): note must be a non-empty string; found nothing/);
  refused(() => answersInput([{ qid: 'q1', note: '<script>x()</script>' }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[0\] .*note must be a non-empty string/);
  refused(() => answersInput([{ qid: 'q1', note: 7 }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /note must be a non-empty string; found 7/);
});

test('unknown or repeated questions, and non-arrays, are refused', () => {
  refused(() => answersInput([{ qid: 'q9', note: 'x' }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[0\]: qid "q9" names no question/);
  refused(() => answersInput([{ qid: 'q1', note: 'x' }, { qid: 'q1', note: 'y' }], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[1\] .* already answered/);
  refused(() => answersInput({ q1: 'x' }, questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers must be an array/);
  refused(() => answersInput(['x'], questions, false), 'ASSESSMENT_ANSWER_INVALID', /answers\[0\] must be an object/);
});

test('completing needs every question answered; saving in process does not', () => {
  assert.deepEqual(answersInput(undefined, questions, false), []);
  refused(() => answersInput([{ qid: 'q1', note: 'yes' }], questions, true), 'ASSESSMENT_INCOMPLETE', /question "q2" \("Backups tested\?"\) has no answer/);
  assert.equal(answersInput([{ qid: 'q1', note: 'a' }, { qid: 'q2', note: 'b' }], questions, true).length, 2);
});

test('questions get a CUID and sanitised text; a title is required', () => {
  const q = questionInput({ title: ' Logging ', text: '<p>Are logs kept?</p><img src=x onerror=y>', category: 'Detect', qid: 'ignored' }, 'questions[0]');
  assert.match(q.qid, /^c[0-9a-z]{24}$/);
  assert.deepEqual({ ...q, qid: 'x' }, { qid: 'x', title: 'Logging', text: '<p>Are logs kept?</p>', category: 'Detect' });
  refused(() => questionInput({ text: 'no title' }, 'questions[3]'), 'QUESTION_INVALID', /questions\[3\].title must be a non-empty string; found nothing/);
});
