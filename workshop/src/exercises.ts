import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Exercise } from './exercise.ts'

export const EXERCISES_DIR = fileURLToPath(new URL('../exercises', import.meta.url))

export interface ExerciseEntry {
  number: number
  /** folder name, e.g. 01-decode */
  slug: string
  dir: string
  /** first heading of its README */
  title: string
}

export async function listExercises(): Promise<ExerciseEntry[]> {
  const slugs = (await readdir(EXERCISES_DIR)).filter((name) => /^\d\d-/.test(name)).sort()
  return Promise.all(
    slugs.map(async (slug) => {
      const readme = await readFile(join(EXERCISES_DIR, slug, 'README.md'), 'utf8')
      const title = /^# (.+)$/m.exec(readme)?.[1] ?? slug
      return { number: Number(slug.slice(0, 2)), slug, dir: join(EXERCISES_DIR, slug), title }
    }),
  )
}

export async function findExercise(number: number): Promise<ExerciseEntry | undefined> {
  return (await listExercises()).find((entry) => entry.number === number)
}

export async function loadChecker(entry: ExerciseEntry): Promise<Exercise<unknown>> {
  const module = (await import(pathToFileURL(join(entry.dir, 'check.ts')).href)) as { default: Exercise<unknown> }
  return module.default
}

/** The hints of an exercise, in order: the sections of its HINTS.md. */
export async function readHints(entry: ExerciseEntry): Promise<string[]> {
  const text = await readFile(join(entry.dir, 'HINTS.md'), 'utf8')
  return text.split(/^## Hint \d+\s*$/m).slice(1).map((hint) => hint.trim())
}
