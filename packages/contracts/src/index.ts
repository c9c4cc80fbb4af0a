export * from './strategies.ts'
export * from './schemas.ts'
export * from './server-timing.ts'
