// `pnpm workshop <command>`: checks a participant's exercise and explains failures in plain words.
import { spawnSync } from 'node:child_process'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { styleText } from 'node:util'
import { runExercise } from './exercise.ts'
import { findExercise, listExercises, loadChecker, readHints, type ExerciseEntry } from './exercises.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const green = (text: string) => styleText('green', text)
const red = (text: string) => styleText('red', text)
const dim = (text: string) => styleText('dim', text)
const bold = (text: string) => styleText('bold', text)

const USAGE = `Usage:
  pnpm workshop list            the exercises, in order
  pnpm workshop check <N>       checks your files in workshop/exercises/<NN>-*/
  pnpm workshop hint <N> [K]    hint K (default 1) of exercise N`

async function exerciseOrExit(arg: string | undefined): Promise<ExerciseEntry> {
  const entry = arg && /^\d+$/.test(arg) ? await findExercise(Number(arg)) : undefined
  if (!entry) {
    const numbers = (await listExercises()).map((e) => e.number).join(', ')
    console.error(`Which exercise? Give its number (${numbers}).\n\n${USAGE}`)
    process.exit(2)
  }
  return entry
}

/** The checkers import the lab's packages and run its API from their builds: build what changed (turbo caches the rest). */
function buildLab(): void {
  console.log(dim('Building the lab packages the checkers use (cached after the first time)…'))
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@lab/workshop^...', '--output-logs=errors-only'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (build.status !== 0) {
    console.error(red('The lab does not build, so the checker cannot run:'), build.stdout, build.stderr)
    process.exit(1)
  }
}

async function check(entry: ExerciseEntry): Promise<boolean> {
  buildLab()
  const exercise = await loadChecker(entry)
  const where = relative(process.cwd(), entry.dir) || '.'
  console.log(bold(`Exercise ${entry.title}`) + dim(`  (checking ${exercise.files.map((f) => `${where}/${f}`).join(', ')})`))
  const report = await runExercise(exercise, entry.dir)
  if (report.setupError) {
    console.log(red(`\n✘ The checker could not start: ${report.setupError}`))
    return false
  }
  console.log()
  const todosShown = new Set<string>()
  for (const result of report.results) {
    if (result.ok) {
      console.log(`${green('✔')} ${result.name}`)
      continue
    }
    console.log(`${red('✘')} ${result.name}`)
    const explanation = result.explanation ?? []
    const todo = explanation[0]?.startsWith('Not written yet') ? explanation[0] : undefined
    if (todo && todosShown.has(todo)) {
      console.log(dim('    (not written yet, as above)'))
      continue
    }
    if (todo) todosShown.add(todo)
    for (const line of explanation) console.log(`    ${line}`)
    console.log(dim(`    look at: ${result.lookAt}`))
    console.log(dim(`    stuck? pnpm workshop hint ${entry.number} ${result.hint}`))
  }
  const passed = report.results.filter((r) => r.ok).length
  const total = report.results.length
  console.log()
  if (passed === total) {
    console.log(green(bold(`All ${total} checks pass. Well done!`)))
    for (const line of report.insight) console.log(`  ${line}`)
    const next = (await listExercises()).find((e) => e.number > entry.number)
    console.log(next ? `\nNext: ${next.title}: read ${relative(process.cwd(), next.dir)}/README.md` : '\nThat was the last exercise.')
    return true
  }
  const first = report.results.find((r) => !r.ok)
  console.log(`${passed} of ${total} checks pass. Start with: ${bold(first?.name ?? '')}`)
  return false
}

const [command, ...args] = process.argv.slice(2)
switch (command) {
  case 'check': {
    const ok = await check(await exerciseOrExit(args[0]))
    process.exitCode = ok ? 0 : 1
    break
  }
  case 'hint': {
    const entry = await exerciseOrExit(args[0])
    const hints = await readHints(entry)
    const k = Number(args[1] ?? 1)
    const hint = hints[k - 1]
    if (!hint) {
      console.error(`Exercise ${entry.number} has hints 1 to ${hints.length}.`)
      process.exit(2)
    }
    console.log(`${bold(`Hint ${k} of ${hints.length}`)} (exercise ${entry.title})\n\n${hint}`)
    if (k < hints.length) console.log(dim(`\nStill stuck? pnpm workshop hint ${entry.number} ${k + 1}`))
    break
  }
  case 'list':
  case undefined: {
    for (const entry of await listExercises()) console.log(`${entry.title}  ${dim(relative(process.cwd(), entry.dir))}`)
    console.log(`\n${USAGE}`)
    break
  }
  default:
    console.error(USAGE)
    process.exit(2)
}
