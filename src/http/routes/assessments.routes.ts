/**
 * Assessments (PlexTrac's routes): questionnaires with questions, and client assessments that
 * answer them. Spec 2's "Reusing an Assessment": GET a completed assessment, strip its ids, set
 * `saveOnly: true`, fill every answer's note, and POST it to another client: a new In Process one.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AssessmentsService } from '../../content/assessments.service.js';
import { IdParam, Security, withErrors } from '../schemas/common.js';
import { authenticate } from '../auth.js';
import { writeAccess } from '../write-access.js';
import { ownTenantOnly } from '../tenant-path.js';
import { assessmentSummaryView, assessmentView, questionnaireView } from '../views/assessments.view.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const QuestionnaireCreate = Type.Object(
  {
    assessment_title: Type.Optional(Type.String({ maxLength: 500 })),
    title: Type.Optional(Type.String({ maxLength: 500 })),
    framework_id: Type.Optional(Type.String({ maxLength: 100 })),
    questions: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 2000, description: '[{title, text, category?, answer_type?, …}] (an Intake convenience)' })),
  },
  { additionalProperties: true },
);
const QuestionCreate = Type.Object({ title: Type.String({ minLength: 1, maxLength: 1000 }), text: Type.Optional(Type.String()) }, { additionalProperties: true });
const AssessmentBody = Type.Object(
  {
    questionnaire_id: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    assessment_title: Type.Optional(Type.String({ maxLength: 500 })),
    answers: Type.Optional(Type.Unknown({ description: '[{qid, answer, note}]; every note a non-empty string' })),
    saveOnly: Type.Optional(Type.Boolean({ description: 'true: In Process; false or absent: Completed (every question answered)' })),
  },
  { additionalProperties: true },
);
const QuestionnaireParams = Type.Object({ questionnaireId: IdParam });
const TenantParams = Type.Object({ tenantId: IdParam });
const ClientParams = Type.Object({ tenantId: IdParam, clientId: IdParam });
const AssessmentParams = Type.Object({ tenantId: IdParam, clientId: IdParam, assessmentId: IdParam });
const ShortAssessmentParams = Type.Object({ clientId: IdParam, assessmentId: IdParam });
const Saved = Type.Object({ status: Type.Literal('success'), message: Type.String(), assess_id: Type.Integer(), doc_id: Type.String(), data: Loose });

export async function assessmentRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  app.addHook('preHandler', ownTenantOnly);
  const assessments = new AssessmentsService(deps.pool);
  const canWrite = writeAccess;
  const tags = ['assessments'];

  app.post<{ Body: Static<typeof QuestionnaireCreate> }>(
    '/api/v2/assessments/questionnaires',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Create a questionnaire (its questions may be given here or added one by one)',
        security: Security,
        body: QuestionnaireCreate,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), questionnaire_id: Type.Integer(), data: Loose }) }, 400, 401, 403),
      },
    },
    async (request) => {
      const created = await assessments.createQuestionnaire(request.caller, request.body as Parameters<AssessmentsService['createQuestionnaire']>[1]);
      return { status: 'success' as const, message: 'Questionnaire created', questionnaire_id: created.id, data: questionnaireView(created) };
    },
  );

  app.get<{ Params: Static<typeof QuestionnaireParams> }>(
    '/api/v2/assessments/questionnaires/:questionnaireId',
    { schema: { tags, summary: 'One questionnaire with its questions', security: Security, params: QuestionnaireParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => questionnaireView(await assessments.questionnaire(request.caller.tenantId, request.params.questionnaireId)),
  );

  app.post<{ Params: Static<typeof QuestionnaireParams>; Body: Static<typeof QuestionCreate> }>(
    '/api/v2/assessments/questionnaires/:questionnaireId/questions',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Add a question to a questionnaire',
        security: Security,
        params: QuestionnaireParams,
        body: QuestionCreate,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), question: Loose }) }, 400, 401, 403, 404),
      },
    },
    async (request) => {
      const updated = await assessments.addQuestion(request.caller, request.params.questionnaireId, request.body);
      return { status: 'success' as const, message: 'Question created', question: updated.questions.at(-1)! };
    },
  );

  app.get<{ Params: Static<typeof TenantParams> }>(
    '/api/v1/tenant/:tenantId/assessments',
    { schema: { tags, summary: "The tenant's questionnaires", security: Security, params: TenantParams, response: withErrors({ 200: Type.Array(Loose) }, 401, 404) } },
    async (request) =>
      (await assessments.listQuestionnaires(request.caller.tenantId)).map((q) => ({ questionniare_id: q.id, questionnaire_id: q.id, assessment_title: q.title, framework: q.framework_id })),
  );

  app.post<{ Params: Static<typeof ClientParams>; Body: Static<typeof AssessmentBody> }>(
    '/api/v1/tenant/:tenantId/client/:clientId/assessment',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Create a client assessment from a questionnaire (saveOnly: true keeps it In Process)',
        description: 'The body may be the JSON a GET of another assessment returned, without tenant_id, client_id, assess_id and completed_at.',
        security: Security,
        params: ClientParams,
        body: AssessmentBody,
        response: withErrors({ 200: Saved }, 400, 401, 403, 404),
      },
    },
    async (request) => {
      const created = await assessments.create(request.caller, request.params.clientId, request.body);
      return saved(created, 'success');
    },
  );

  app.put<{ Params: Static<typeof AssessmentParams>; Body: Static<typeof AssessmentBody> }>(
    '/api/v1/tenant/:tenantId/client/:clientId/assessment/:assessmentId',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Save the answers of an In Process assessment; saveOnly false (or absent) completes it',
        security: Security,
        params: AssessmentParams,
        body: AssessmentBody,
        response: withErrors({ 200: Saved }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const { clientId, assessmentId } = request.params;
      return saved(await assessments.save(request.caller, clientId, assessmentId, request.body), 'success');
    },
  );

  app.get<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/tenant/:tenantId/client/:clientId/assessments',
    { schema: { tags, summary: "A client's assessments", security: Security, params: ClientParams, response: withErrors({ 200: Type.Array(Loose) }, 401, 404) } },
    async (request) => (await assessments.list(request.caller.tenantId, request.params.clientId)).map(assessmentSummaryView),
  );

  const getOne = {
    tags,
    summary: 'A client assessment with its questions and answers (completed_at present once completed)',
    security: Security,
    response: withErrors({ 200: Loose }, 401, 404),
  };
  app.get<{ Params: Static<typeof AssessmentParams> }>(
    '/api/v1/tenant/:tenantId/client/:clientId/assessment/:assessmentId',
    { schema: { ...getOne, params: AssessmentParams } },
    async (request) => assessmentView(await assessments.assessment(request.caller.tenantId, request.params.clientId, request.params.assessmentId)),
  );
  app.get<{ Params: Static<typeof ShortAssessmentParams> }>(
    '/api/v1/client/:clientId/assessment/:assessmentId',
    { schema: { ...getOne, params: ShortAssessmentParams } },
    async (request) => assessmentView(await assessments.assessment(request.caller.tenantId, request.params.clientId, request.params.assessmentId)),
  );
}

function saved(a: Parameters<typeof assessmentView>[0], message: string) {
  const view = assessmentView(a);
  return { status: 'success' as const, message, assess_id: a.id, doc_id: view.doc_id, data: view };
}
