export { renderMarkdown, renderSvg } from './render.ts'
export type * from './types.ts'
