import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { renderMarkdown, renderSvg, type BenchReport } from '@lab/bench-report'

const results = new URL('../results/', import.meta.url)
const read = (name: string) => readFile(new URL(name, results), 'utf8')

test('the committed run: its Markdown and chart are what the report makes of its JSON, so no figure was written by hand', async () => {
  const report = JSON.parse(await read('latest.json')) as BenchReport
  assert.equal(report.schema, 'lab-bench/2')
  assert.equal(renderMarkdown(report, 'latest.svg'), await read('latest.md'))
  assert.equal(renderSvg(report), await read('latest.svg'))
})
