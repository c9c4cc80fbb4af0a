import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderMarkdown, renderSvg, type BenchReport } from '@lab/bench-report'

/** Writes `name`.json, .md and .svg into `dir`; returns their paths. */
export async function writeReport(report: BenchReport, dir: string, name: string): Promise<{ json: string; markdown: string; svg: string }> {
  await mkdir(dir, { recursive: true })
  const paths = { json: join(dir, `${name}.json`), markdown: join(dir, `${name}.md`), svg: join(dir, `${name}.svg`) }
  await writeFile(paths.json, JSON.stringify(report, null, 2) + '\n')
  await writeFile(paths.svg, renderSvg(report))
  await writeFile(paths.markdown, renderMarkdown(report, `${name}.svg`))
  return paths
}
