/**
 * A network failure said in words: what most likely happened and what to try, from the error
 * code Node or OpenSSL gave (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, …). The code stays
 * in the message, so it can still be searched for.
 */

/** TLS record errors: what OpenSSL says when the peer does not answer in TLS at all. */
const NOT_TLS =
  /wrong.version.number|ssl3_get_record|packet.length.too.long|record.layer.failure|http.request/i

/** The sentence for one connection failure to `url`. */
export function describeConnectionFailure(error: unknown, url: URL): string {
  const code = codeOf(error)
  const text = messageOf(error)
  const where = url.host
  const plain = `http://${url.host}${url.pathname}${url.search}`
  const tagged = (sentence: string) => `${sentence} (${code || text})`
  switch (code) {
    case 'ECONNREFUSED':
      return tagged(`nothing is listening at ${where}: is the server running, and on this port?`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return tagged(`the host name "${url.hostname}" could not be resolved`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return tagged(`${where} cannot be reached from this machine (no route)`)
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return tagged(`the connection to ${where} was closed by the other side before an answer arrived`)
    case 'EPIPE':
      return tagged(`the connection to ${where} broke while the request was being sent`)
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return tagged(`the certificate of ${where} is not trusted here: give its CA (tls.ca)`)
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return tagged(`the certificate of ${where} is for another host name`)
    case 'CERT_HAS_EXPIRED':
      return tagged(`the certificate of ${where} has expired`)
  }
  if (url.protocol === 'https:' && (NOT_TLS.test(code) || NOT_TLS.test(text))) {
    return tagged(`the TLS handshake with ${where} failed: is this server speaking HTTPS? try ${plain}`)
  }
  return `connection failed: ${code} ${text}`.replace(/\s+/g, ' ').trim()
}

/** The most specific error code: undici wraps the socket's error as its `cause`. */
export function codeOf(error: unknown): string {
  const own = (error as { code?: unknown } | null)?.code
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code
  if (typeof cause === 'string' && cause !== '') return cause
  return typeof own === 'string' ? own : ''
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause
  const inner = cause instanceof Error ? cause.message : ''
  const outer = error instanceof Error ? error.message : String(error)
  return inner || outer
}
