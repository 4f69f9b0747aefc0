/**
 * Questionnaires (questions) and client assessments (answers to them) as PlexTrac clients send
 * them. Spec 2's "Reusing an Assessment" POSTs a GET of a completed assessment back, with the ids
 * stripped, `saveOnly: true` and every answer's `note` filled: so answers are checked one by one
 * and a bad one is refused naming it (its position, question id and title).
 */
import { AppError } from '../errors/app-error.js';
import { sanitizeRichText } from '../imports/rich-text.js';
import { newCuid } from '../domain/cuid.js';

export interface Question {
  qid: string;
  title: string;
  text: string;
  [member: string]: unknown;
}

export interface Answer {
  qid: string;
  title: string;
  question: string;
  note: string;
  [member: string]: unknown;
}

/** Members of a question a client may set besides title and text, kept as sent (strings sanitised). */
const QUESTION_MEMBERS = ['category', 'order', 'answer_type', 'severity', 'recommendations', 'references', 'tags', 'score', 'custom_fields', 'multi_choice_answers'];
/** Members of an answer kept as sent besides `note` (the chosen answer, its status, inputs). */
const ANSWER_MEMBERS = ['answer', 'status', 'custom_fields', 'input_fields', 'order'];

export function questionInput(raw: unknown, where: string): Question {
  if (!isObject(raw)) throw invalid('QUESTION_INVALID', `${where} must be an object {title, text, …}; found ${describe(raw)}`);
  const title = typeof raw.title === 'string' ? raw.title.trim() : '';
  if (!title) throw invalid('QUESTION_INVALID', `${where}.title must be a non-empty string; found ${describe(raw.title)}`);
  const text = raw.text === undefined || raw.text === null ? '' : raw.text;
  if (typeof text !== 'string') throw invalid('QUESTION_INVALID', `${where}.text must be a string; found ${describe(raw.text)}`);
  const question: Question = { qid: newCuid(), title, text: sanitizeRichText(text) };
  for (const member of QUESTION_MEMBERS) if (raw[member] !== undefined) question[member] = sanitizeDeep(raw[member]);
  return question;
}

/**
 * The answers of an assessment, checked against its questions: each names a question (`qid`) at
 * most once and carries a non-empty `note`. When `complete`, every question must be answered.
 */
export function answersInput(raw: unknown, questions: readonly Question[], complete: boolean): Answer[] {
  if (raw === undefined || raw === null) raw = [];
  if (!Array.isArray(raw)) throw invalid('ASSESSMENT_ANSWER_INVALID', `answers must be an array; found ${describe(raw)}`);
  const byQid = new Map(questions.map((q) => [q.qid, q]));
  const seen = new Set<string>();
  const answers = raw.map((item: unknown, index): Answer => {
    const where = `answers[${index}]`;
    if (!isObject(item)) throw invalid('ASSESSMENT_ANSWER_INVALID', `${where} must be an object {qid, answer, note}; found ${describe(item)}`);
    const qid = item.qid ?? item.question_id;
    const question = typeof qid === 'string' || typeof qid === 'number' ? byQid.get(String(qid)) : undefined;
    if (!question) throw invalid('ASSESSMENT_ANSWER_INVALID', `${where}: qid ${describe(qid)} names no question of this assessment's questionnaire`);
    const named = `${where} (qid "${question.qid}", "${question.title}")`;
    if (seen.has(question.qid)) throw invalid('ASSESSMENT_ANSWER_INVALID', `${named} answers a question already answered`);
    seen.add(question.qid);
    // Empty once sanitised (only a script, say) counts as empty.
    const note = typeof item.note === 'string' ? sanitizeRichText(item.note).trim() : '';
    if (note === '') throw invalid('ASSESSMENT_ANSWER_INVALID', `${named}: note must be a non-empty string; found ${describe(item.note)}`);
    const answer: Answer = { qid: question.qid, title: question.title, question: question.text, note };
    for (const member of ANSWER_MEMBERS) if (item[member] !== undefined) answer[member] = sanitizeDeep(item[member]);
    return answer;
  });
  if (complete) {
    const missing = questions.find((q) => !seen.has(q.qid));
    if (missing) {
      throw invalid('ASSESSMENT_INCOMPLETE', `a completed assessment answers every question; question "${missing.qid}" ("${missing.title}") has no answer (send saveOnly: true to keep it In Process)`);
    }
  }
  return answers;
}

function invalid(code: string, message: string): AppError {
  return new AppError(code, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function sanitizeDeep(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeRichText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeDeep(v)]));
  return value;
}
