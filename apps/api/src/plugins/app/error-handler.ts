import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AUTH_REASON_HEADER, type ErrorBody, type ErrorCode } from '@lab/contracts'
import { AppError, RateLimitedError } from '../../errors.ts'

const CODE_BY_STATUS: Record<number, [ErrorCode, string]> = {
  400: ['BAD_REQUEST', 'Malformed request'],
  401: ['AUTH_INVALID', 'Invalid credential'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  408: ['REQUEST_TIMEOUT', 'The request took too long to arrive'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Content type must be application/json'],
  429: ['RATE_LIMITED', 'Too many requests'],
  431: ['HEADERS_TOO_LARGE', 'Request headers too large'],
}

type Validation = NonNullable<FastifyError['validation']>[number]

/** Our own words for a schema failure: which field, never the validator's text. */
function describeValidation(context: string | undefined, issue: Validation | undefined): string {
  const where = context ?? 'request'
  if (!issue) return `Invalid ${where}`
  const path = issue.instancePath.split('/').filter(Boolean).join('.')
  const field = [where, path].filter(Boolean).join('.')
  const missing = (issue.params as { missingProperty?: unknown }).missingProperty
  if (issue.keyword === 'required' && typeof missing === 'string') return `${where}.${missing} is required`
  if (issue.keyword === 'additionalProperties') return `${field} has an unexpected property`
  if (issue.keyword === 'type') return `${field} has the wrong type`
  return `${field} is invalid`
}

/** Maps any error to a status, a stable code and a message that is safe to show. */
export function toErrorBody(error: FastifyError | AppError): ErrorBody {
  let statusCode: number
  let code: ErrorCode
  let message: string
  if (error instanceof AppError) {
    ;({ statusCode, code, message } = error)
  } else if ('validation' in error && error.validation) {
    statusCode = 400
    code = 'BAD_REQUEST'
    message = describeValidation(error.validationContext, error.validation[0])
  } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    statusCode = error.statusCode
    ;[code, message] = CODE_BY_STATUS[statusCode] ?? ['BAD_REQUEST', 'Bad request']
  } else {
    statusCode = 500
    code = 'INTERNAL_ERROR'
    message = 'Internal server error'
  }
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message }
}

function sendError(request: FastifyRequest, reply: FastifyReply, body: ErrorBody, error?: unknown) {
  if (request.trace) request.trace.errorCode = body.code
  if (error instanceof RateLimitedError) reply.header('retry-after', error.retryAfterSeconds)
  // Why a token was refused helps the inspector teach; outside the demo it would help an attacker.
  if (error instanceof AppError && error.reason && request.server.config.profile === 'demo') reply.header(AUTH_REASON_HEADER, error.reason)
  // Serialized as it is, not by the route's response schema: a route whose 503 is another shape (health) still answers in the error format.
  return reply.code(body.statusCode).type('application/json').serializer(JSON.stringify).send(body)
}

/** The one error handler: stable codes, no library text, stack traces only in the log. */
async function errorHandler(fastify: FastifyInstance) {
  // While the server closes, requests on connections still open are answered 503 in the error format.
  let closing = false
  fastify.addHook('preClose', async () => {
    closing = true
  })
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done()
    reply.header('connection', 'close')
    done(new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; retry shortly'))
  })
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toErrorBody(error)
    if (body.statusCode >= 500) request.log.error({ err: error }, body.message)
    else request.log.info({ code: body.code, reason: error.message }, 'request rejected')
    return sendError(request, reply, body, error)
  })
  fastify.setNotFoundHandler((request, reply) =>
    sendError(request, reply, toErrorBody(new AppError(404, 'NOT_FOUND', 'Not found'))),
  )
}

export default fp(errorHandler, { name: 'error-handler', dependencies: ['round-trips'] })
