import { exec } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { pin, startRecording, type RecordingServer } from '../helpers/recording.js'

/** The recording proxy itself: what it records is byte-for-byte what arrived, and it stays out of the way. */

let rec: RecordingServer | undefined
afterEach(async () => {
  await rec?.close()
  rec = undefined
})

describe('recording server', () => {
  it('records the raw request target, header names as sent, and the body, and forwards them unchanged', async () => {
    rec = await startRecording()
    const target = `${rec.url}/Users?filter=userName+eq+%22nobody%40example.com%22&`
    const res = await request(target, { headers: { Authorization: `Bearer ${rec.token}`, 'X-Odd-Case': 'Yes' } })
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toMatchObject({ totalResults: 0 })
    const [r] = rec.requests
    expect(r.method).toBe('GET')
    expect(r.target).toBe('/scim/v2/Users?filter=userName+eq+%22nobody%40example.com%22&')
    expect(r.rawHeaders).toContainEqual(['X-Odd-Case', 'Yes'])
    expect(r.headers['x-odd-case']).toBe('Yes')

    const body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"recorded@example.com"}'
    const created = await request(`${rec.url}/Users`, { method: 'POST', body, headers: { authorization: `Bearer ${rec.token}`, 'content-type': 'application/scim+json' } })
    expect(created.statusCode).toBe(201)
    // The upstream's own address never leaks: Location and meta.location name the recorder.
    expect(created.headers.location).toMatch(new RegExp(`^${rec.url}/Users/`))
    expect(((await created.body.json()) as { meta: { location: string } }).meta.location).toMatch(new RegExp(`^${rec.url}/Users/`))
    expect(rec.requests[1].body).toBe(body)
  })

  it('rotates the upstream token through its --rotate-command', async () => {
    rec = await startRecording()
    const old = rec.token
    // Asynchronous: the command calls back into this process's recorder, which must stay free to answer.
    const fresh = (await promisify(exec)(rec.rotateCommand!)).stdout.trim()
    expect(fresh).not.toBe(old)
    expect((await request(`${rec.url}/Users`, { headers: { authorization: `Bearer ${old}` } })).statusCode).toBe(401)
    expect((await request(`${rec.url}/Users`, { headers: { authorization: `Bearer ${fresh}` } })).statusCode).toBe(200)
    expect(rec.requests.map((r) => r.target)).toEqual(['/scim/v2/Users', '/scim/v2/Users'])
  })

  it('pins volatile values to placeholders, numbering ids by first appearance', () => {
    const id = '6c3b326f-ea71-49a5-8940-b0c7d311ecb6'
    const pinned = pin(
      [
        { scenario: 's', step: 'a', method: 'PUT', target: `/scim/v2/Users/${id}`, headers: { authorization: 'Bearer secret', host: '127.0.0.1:1', 'user-agent': 'scim-check/1.2.3 (x)' }, rawHeaders: [], body: JSON.stringify({ id, userName: 'scimcheck-abcd1234-x@example.com', password: 'hunter2', meta: { lastModified: '2026-01-02T03:04:05.678Z', version: 'W/"3"', location: `http://127.0.0.1:4567/scim/v2/Users/${id}` } }) },
      ],
      'abcd1234',
    )
    expect(pinned).toEqual([
      {
        step: 'a',
        method: 'PUT',
        target: '/scim/v2/Users/<id1>',
        headers: { authorization: 'Bearer <token>', 'user-agent': 'scim-check/<version> (x)' },
        body: { id: '<id1>', userName: 'scimcheck-<run>-x@example.com', password: '<password>', meta: { lastModified: '<time>', version: '<etag>', location: '<origin>/scim/v2/Users/<id1>' } },
      },
    ])
  })
})
