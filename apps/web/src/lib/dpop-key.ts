'use client'
import { createDpopKey } from './dpop'

const DATABASE = 'lab-dpop'
const STORE = 'keys'
const ID = 'browser'

/** One IndexedDB request as a promise. */
function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })
}

async function openStore(): Promise<IDBDatabase> {
  const request = indexedDB.open(DATABASE, 1)
  request.onupgradeneeded = () => request.result.createObjectStore(STORE)
  return settled(request)
}

/**
 * This browser's DPoP key, created once and kept in IndexedDB so that a reload keeps its logins: a
 * CryptoKey is stored as it is (structured clone), still non-extractable, never as bytes. Where
 * IndexedDB is unavailable, a key for this page's lifetime.
 */
async function loadOrCreate(): Promise<CryptoKeyPair> {
  try {
    const db = await openStore()
    const kept = await settled(db.transaction(STORE).objectStore(STORE).get(ID) as IDBRequest<CryptoKeyPair | undefined>)
    if (kept) return kept
    const key = await createDpopKey()
    await settled(db.transaction(STORE, 'readwrite').objectStore(STORE).put(key, ID))
    return key
  } catch {
    return createDpopKey()
  }
}

let browserKey: Promise<CryptoKeyPair> | null = null

/** The key every jwt-dpop request of this browser is signed with. */
export function dpopKey(): Promise<CryptoKeyPair> {
  browserKey ??= loadOrCreate()
  return browserKey
}
