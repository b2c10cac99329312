import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { CaseError } from '../../machines/engine/case-error.js';
import { feePeriodSchema } from '../../machines/policy/fee-period.js';
import type { CaseStore } from '../../db/case-store.js';
import { ImportStore } from '../../db/import-store.js';
import { errorBodySchema } from '../api-schemas.js';
import type { RouteContext } from '../app.js';
import { requirePrincipal } from '../auth/request-access.js';
import type { Principal } from '../auth/roles.js';
import { exportCases } from '../imports/export-cases.js';
import { ImportService } from '../imports/import-service.js';
import { formatOf, PushFileError, readPushFile } from '../imports/read-push-file.js';
import type { PushFileFormat } from '../imports/read-push-file.js';
import { reconcileHeadcount } from '../imports/reconcile-headcount.js';

export interface ImportRouteOptions {
  readonly store: CaseStore;
  readonly newId: () => string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

const uploadQuerySchema = z.object({ fileName: z.string().min(1).max(200).optional() }).strict();
const reconcileQuerySchema = z.object({ employer: z.string().length(18), feePeriod: feePeriodSchema }).strict();
const exportQuerySchema = z
  .object({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    process: z.string().max(100).optional(),
    state: z.string().max(200).optional(),
    employer: z.string().max(18).optional(),
    feePeriod: feePeriodSchema.optional(),
    status: z.enum(['active', 'done']).optional(),
  })
  .strict();

/**
 * Registers the month-end push file routes (upload with a dry run, the report, the confirmation that
 * applies the valid rows), the headcount reconciliation and the case export. Uploads are limited by the
 * server's request body limit (`MAX_BODY_KIB`); larger files go through the CLI's `import` command.
 */
export function registerImportRoutes(app: OpenAPIHono, context: RouteContext, options: ImportRouteOptions): void {
  const imports = new ImportStore(options.store.db);
  const service = new ImportService({ store: options.store, clock: context.clock, newId: options.newId });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/imports',
    summary: 'Upload a month-end push file (.csv or .xlsx; raw body or multipart field `file`) and get its dry-run report',
    request: { query: uploadQuerySchema },
    responses: { 201: { description: 'The dry-run report; nothing was applied' }, 400: errorResponse('Unreadable file'), 403: errorResponse('Not an hr or medical caseworker') },
  });
  app.post('/api/imports', async (c) => {
    const principal = requireImportingCaseworker(c);
    const query = context.readQuery(c, uploadQuerySchema);
    const upload = await readUpload(c, query.fileName);
    const file = await parseUpload(upload.bytes, upload.format);
    await imports.saveUpload({
      sha256: file.sha256,
      file_name: upload.fileName,
      format: upload.format,
      content_base64: Buffer.from(upload.bytes).toString('base64'),
      uploaded_by: principal.username,
      uploaded_at: context.clock.now().toISOString(),
    });
    const report = await service.importFile(file, { dryRun: true, fileName: upload.fileName, operator: principal.username });
    context.logger.info({ sha256: file.sha256, rows: report.rowCount, badRows: report.issues.length, by: principal.username }, 'push file uploaded');
    return c.json(report, 201);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/imports/{sha256}',
    summary: 'The dry-run report of an uploaded push file, with the rows applied so far',
    responses: { 200: { description: 'The report' }, 404: errorResponse('No upload with this SHA-256') },
  });
  app.get('/api/imports/:sha256', async (c) => {
    const principal = requireImportingCaseworker(c);
    const { file, upload } = await loadUpload(imports, c.req.param('sha256'));
    return c.json(await service.importFile(file, { dryRun: true, fileName: upload.file_name, operator: principal.username }));
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/imports/{sha256}/confirm',
    summary: 'Apply the valid rows of an uploaded push file; a repeat applies only rows still missing',
    responses: { 200: { description: 'The report of the real run' }, 404: errorResponse('No upload with this SHA-256') },
  });
  app.post('/api/imports/:sha256/confirm', async (c) => {
    const principal = requireImportingCaseworker(c);
    const { file, upload } = await loadUpload(imports, c.req.param('sha256'));
    const report = await service.importFile(file, { dryRun: false, fileName: upload.file_name, operator: principal.username });
    context.logger.info({ sha256: file.sha256, applied: report.appliedRows, rejected: report.rejectedRows.length, by: principal.username }, 'push file applied');
    return c.json(report);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/reconciliation',
    summary: 'Insured people per insurance against the headcount tax received, for one employer and fee period',
    request: { query: reconcileQuerySchema },
    responses: { 200: { description: 'The reconciliation (names and ID numbers masked)' }, 403: errorResponse('Another employer') },
  });
  app.get('/api/reconciliation', async (c) => {
    const { principal } = requirePrincipal(c);
    const query = context.readQuery(c, reconcileQuerySchema);
    return c.json(await reconcileHeadcount(options.store.db, ownEmployerOf(principal, query.employer) ?? query.employer, query.feePeriod));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/exports/cases',
    summary: 'The cases a filter selects (a worklist) as CSV or .xlsx with Chinese headers; ID numbers masked',
    request: { query: exportQuerySchema },
    responses: { 200: { description: 'The file' }, 400: errorResponse('Invalid filter'), 403: errorResponse('Another employer') },
  });
  app.get('/api/exports/cases', async (c) => {
    const { principal } = requirePrincipal(c);
    const query = context.readQuery(c, exportQuerySchema);
    const employerCode = ownEmployerOf(principal, query.employer);
    const filter = {
      ...(query.process !== undefined ? { processId: query.process } : {}),
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(employerCode !== undefined ? { employerCode } : {}),
      ...(query.feePeriod !== undefined ? { feePeriod: query.feePeriod } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    };
    const result = await exportCases(options.store, filter, query.format);
    const contentType = query.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE;
    return c.body(new Uint8Array(result.bytes), 200, {
      'content-type': contentType,
      'content-disposition': `attachment; filename="cases.${query.format}"`,
      'x-case-count': String(result.caseCount),
      'x-export-truncated': String(result.truncated),
    });
  });
}

/** The caseworker running an import; the access table admits only hr and medical caseworkers here. */
function requireImportingCaseworker(c: Context): Principal {
  return requirePrincipal(c).principal;
}

/** Employer staff see only their own employer; other roles may name any employer. */
function ownEmployerOf(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== 'employer') return requested;
  if (requested !== undefined && requested !== principal.employerCode) {
    throw new CaseError(
      'CASE_OUT_OF_SCOPE',
      'forbidden',
      {
        zh: `用人单位经办人只能查询本单位（${principal.employerCode ?? ''}）的数据，不能查询“${requested}”的数据。`,
        en: `Employer staff may read only their own employer's data (${principal.employerCode ?? ''}), not that of "${requested}".`,
      },
      { employer: requested },
    );
  }
  return principal.employerCode ?? undefined;
}

async function readUpload(c: Context, fileName: string | undefined): Promise<{ bytes: Uint8Array; format: PushFileFormat; fileName: string }> {
  const contentType = c.req.header('content-type') ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const form = await c.req.formData();
    const file = form.get('file');
    if (!(file instanceof File)) {
      throw new CaseError('UPLOAD_FILE_MISSING', 'bad-request', {
        zh: 'multipart 请求中缺少名为 file 的文件字段。',
        en: 'The multipart request has no file field named "file".',
      });
    }
    const name = fileName ?? file.name;
    return { bytes: new Uint8Array(await file.arrayBuffer()), format: formatOf(`${name} ${file.type}`), fileName: name };
  }
  if (!/^(text\/csv|application\/octet-stream)\b/i.test(contentType) && !contentType.toLowerCase().startsWith(XLSX_TYPE)) {
    throw new CaseError('CONTENT_TYPE_UNSUPPORTED', 'bad-request', {
      zh: `上传文件须使用 text/csv、${XLSX_TYPE} 或 multipart/form-data（收到“${contentType.slice(0, 100)}”）。`,
      en: `Upload the file as text/csv, ${XLSX_TYPE} or multipart/form-data (got "${contentType.slice(0, 100)}").`,
    });
  }
  const name = fileName ?? (contentType.toLowerCase().startsWith(XLSX_TYPE) ? 'upload.xlsx' : 'upload.csv');
  return { bytes: new Uint8Array(await c.req.arrayBuffer()), format: formatOf(`${name} ${contentType}`), fileName: name };
}

async function parseUpload(bytes: Uint8Array, format: PushFileFormat) {
  try {
    return await readPushFile(bytes, format);
  } catch (error) {
    if (!(error instanceof PushFileError)) throw error;
    throw new CaseError('PUSH_FILE_INVALID', 'bad-request', error.localized);
  }
}

async function loadUpload(imports: ImportStore, sha256: string) {
  const upload = await imports.getUpload(sha256);
  if (!upload) {
    throw new CaseError('IMPORT_NOT_FOUND', 'not-found', {
      zh: `没有 SHA-256 为“${sha256}”的上传文件，请先通过 POST /api/imports 上传。`,
      en: `No file with SHA-256 "${sha256}" was uploaded; upload it with POST /api/imports first.`,
    });
  }
  return { upload, file: await parseUpload(Buffer.from(upload.content_base64, 'base64'), upload.format) };
}
