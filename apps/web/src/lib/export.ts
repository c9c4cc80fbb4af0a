// A view's results as a file to take away (JSON, to import again; Markdown, to read or paste in a
// design review), and the JSON read back. Pure, so the formats are tested without a browser.

/** The views that export, each with its own data. */
export type ExportKind = 'compare' | 'revocation' | 'verdict' | 'bench'

export const EXPORT_SCHEMA = 'lab-export/1'

/** What a JSON export holds: which view it came from and when, around the view's own data. */
export interface LabExport<T = unknown> {
  schema: typeof EXPORT_SCHEMA
  kind: ExportKind
  exportedAt: string
  data: T
}

export function wrapExport<T>(kind: ExportKind, data: T, now = new Date()): LabExport<T> {
  return { schema: EXPORT_SCHEMA, kind, exportedAt: now.toISOString(), data }
}

/** A file's text as an export of `kind`, or why it is not one. The data is the view's to check. */
export function unwrapExport(text: string, kind: ExportKind): LabExport | { error: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { error: 'This file is not JSON.' }
  }
  const candidate = value as Partial<LabExport> | null
  if (typeof candidate !== 'object' || candidate === null || candidate.schema !== EXPORT_SCHEMA) {
    return { error: `This file is not a lab export (${EXPORT_SCHEMA}).` }
  }
  if (candidate.kind !== kind) return { error: `This file is a ${String(candidate.kind)} export; this view reads ${kind} exports.` }
  if (typeof candidate.exportedAt !== 'string' || candidate.data === undefined) return { error: 'This export has no data.' }
  return candidate as LabExport
}

/** A file name for an export: the view and the time, safe on every file system. */
export function exportFileName(kind: ExportKind, extension: 'json' | 'md', now = new Date()): string {
  return `lab-${kind}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.${extension}`
}

/** A Markdown table cell: one line, its pipes escaped. */
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim()

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n')
}

/** Whether `value` is a plain object, for the import checks. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
