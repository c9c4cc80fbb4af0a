'use client'
import { BENCH_SCHEMA, PAGE_RUN, type BenchReport } from '@/lib/bench'
import { isRecord } from '@/lib/export'
import { renderMarkdown, renderSvg } from '@lab/bench-report'
import { ExportButtons } from '../export/export-buttons'

/** The bench's own Markdown report, with its chart inlined, so the one file is the whole report. */
function benchMarkdown(report: BenchReport, pageRun: boolean): string {
  const chart = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSvg(report)).replace(/\(/g, '%28').replace(/\)/g, '%29')}`
  const note = pageRun
    ? `> A short run started from the lab's web page (${PAGE_RUN.rounds} rounds of ${PAGE_RUN.duration} s per route): too short for conclusions. ` +
      'The results column is the bench’s arithmetic on these few figures, not a judgement; `pnpm bench` measures.\n\n'
    : ''
  return `${note}${renderMarkdown(report, chart)}`
}

/** A bench report exported as JSON and Markdown; `onImport`: a report of the same format shown again. */
export function BenchExport({ report, pageRun, onImport }: { report: BenchReport | null; pageRun: boolean; onImport?: (report: BenchReport) => void }) {
  return (
    <ExportButtons
      kind="bench"
      data={report}
      markdown={() => (report ? benchMarkdown(report, pageRun) : '')}
      onImport={
        onImport &&
        ((data) => {
          if (!isRecord(data) || data.schema !== BENCH_SCHEMA || !isRecord(data.limit) || !Array.isArray(data.strategies)) return `This export holds no bench report in the format ${BENCH_SCHEMA}.`
          onImport(data as unknown as BenchReport)
          return null
        })
      }
    />
  )
}
