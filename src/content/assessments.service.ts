/**
 * Questionnaires and the assessments clients take from them. An assessment is In Process while
 * saved with `saveOnly: true` and Completed once saved without it; a completed one is not changed
 * again (spec 2 reuses it by creating a new In Process assessment from its JSON, for any client).
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { getClient } from '../db/repositories/clients.repository.js';
import {
  appendQuestion,
  getAssessment,
  getQuestionnaire,
  insertAssessment,
  insertQuestionnaire,
  listAssessments,
  listQuestionnaires,
  saveAssessment,
  type AssessmentRow,
  type QuestionnaireRow,
} from '../db/repositories/assessments.repository.js';
import { answersInput, questionInput } from './assessment-input.js';

interface Caller {
  tenantId: number;
  userId: number;
}

export interface AssessmentBody {
  questionnaire_id?: number | string;
  assessment_title?: string;
  answers?: unknown;
  saveOnly?: boolean;
  [member: string]: unknown;
}

export class AssessmentsService {
  constructor(private readonly pool: Pool) {}

  async createQuestionnaire(caller: Caller, body: { assessment_title?: string; title?: string; framework_id?: string; questions?: unknown[] }): Promise<QuestionnaireRow> {
    const title = (body.assessment_title ?? body.title ?? '').trim();
    if (!title) throw new AppError('VALIDATION_FAILED', 'assessment_title must be a non-empty string');
    const questions = (body.questions ?? []).map((q, i) => questionInput(q, `questions[${i}]`));
    return insertQuestionnaire(this.pool, { tenantId: caller.tenantId, title, frameworkId: body.framework_id?.trim() || 'custom', questions, createdBy: caller.userId });
  }

  async questionnaire(tenantId: number, id: number): Promise<QuestionnaireRow> {
    const found = await getQuestionnaire(this.pool, tenantId, id);
    if (!found) throw new AppError('QUESTIONNAIRE_NOT_FOUND', `questionnaire ${id} not found`);
    return found;
  }

  listQuestionnaires(tenantId: number): Promise<QuestionnaireRow[]> {
    return listQuestionnaires(this.pool, tenantId);
  }

  async addQuestion(caller: Caller, questionnaireId: number, body: unknown): Promise<QuestionnaireRow> {
    const updated = await appendQuestion(this.pool, caller.tenantId, questionnaireId, questionInput(body, 'the question'));
    if (!updated) throw new AppError('QUESTIONNAIRE_NOT_FOUND', `questionnaire ${questionnaireId} not found`);
    return updated;
  }

  /**
   * A new assessment for a client from a questionnaire: the questions are the questionnaire's;
   * ids, dates and status in the body (a GET of another assessment) are ignored.
   */
  async create(caller: Caller, clientId: number, body: AssessmentBody): Promise<AssessmentRow> {
    await this.mustClient(caller.tenantId, clientId);
    const questionnaireId = Number(body.questionnaire_id);
    if (!Number.isSafeInteger(questionnaireId) || questionnaireId < 1) {
      throw new AppError('VALIDATION_FAILED', `questionnaire_id must name the questionnaire the assessment answers; found ${JSON.stringify(body.questionnaire_id) ?? 'nothing'}`);
    }
    const questionnaire = await this.questionnaire(caller.tenantId, questionnaireId);
    const complete = body.saveOnly !== true;
    const answers = answersInput(body.answers, questionnaire.questions, complete);
    const title = typeof body.assessment_title === 'string' && body.assessment_title.trim() ? body.assessment_title.trim() : questionnaire.title;
    const id = await insertAssessment(this.pool, {
      tenantId: caller.tenantId,
      clientId,
      questionnaireId,
      title,
      questions: questionnaire.questions,
      answers,
      completed: complete,
      userId: caller.userId,
    });
    return this.assessment(caller.tenantId, clientId, id);
  }

  /** Saves answers of an In Process assessment; `saveOnly: false` (or absent) completes it. */
  async save(caller: Caller, clientId: number, id: number, body: AssessmentBody): Promise<AssessmentRow> {
    const current = await this.assessment(caller.tenantId, clientId, id);
    if (current.completed_at) throw new AppError('ASSESSMENT_COMPLETED', `assessment ${id} is completed and can no longer change; create a new one from it`);
    const complete = body.saveOnly !== true;
    const answers = answersInput(body.answers ?? current.answers, current.questions, complete);
    const title = typeof body.assessment_title === 'string' && body.assessment_title.trim() ? body.assessment_title.trim() : current.title;
    const saved = await saveAssessment(this.pool, { tenantId: caller.tenantId, clientId, id, title, answers, complete, userId: caller.userId });
    if (!saved) throw new AppError('ASSESSMENT_COMPLETED', `assessment ${id} is completed and can no longer change; create a new one from it`);
    return this.assessment(caller.tenantId, clientId, id);
  }

  async assessment(tenantId: number, clientId: number, id: number): Promise<AssessmentRow> {
    const found = await getAssessment(this.pool, tenantId, clientId, id);
    if (!found) throw new AppError('ASSESSMENT_NOT_FOUND', `assessment ${id} not found for client ${clientId}`);
    return found;
  }

  async list(tenantId: number, clientId: number): Promise<AssessmentRow[]> {
    await this.mustClient(tenantId, clientId);
    return listAssessments(this.pool, tenantId, clientId);
  }

  private async mustClient(tenantId: number, clientId: number): Promise<void> {
    if (!(await getClient(this.pool, tenantId, clientId))) throw new AppError('CLIENT_NOT_FOUND', `client ${clientId} not found`);
  }
}
