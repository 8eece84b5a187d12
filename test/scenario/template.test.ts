import { describe, expect, it } from 'vitest'
import { render, runPrefix, TemplateError, templateExpressions, uniqueValues } from '../../src/scenario/template.js'

const vars = {
  user: {
    id: 'u-1',
    active: true,
    meta: { version: 3 },
    emails: [{ value: 'a@example.com', primary: true }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '42' },
    manager: null,
  },
  count: 7,
}

function templateError(fn: () => unknown): TemplateError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError)
    return error as TemplateError
  }
  throw new Error('expected a TemplateError')
}

describe('render', () => {
  it('keeps the type of a value when the string is exactly one template', () => {
    expect(render('{{ count }}', vars)).toBe(7)
    expect(render('{{user.active}}', vars)).toBe(true)
    expect(render('{{ user.meta }}', vars)).toEqual({ version: 3 })
    expect(render('{{ user.emails }}', vars)).toEqual([{ value: 'a@example.com', primary: true }])
    expect(render('{{ user.manager }}', vars)).toBeNull()
  })

  it('interpolates when the template is part of a longer string', () => {
    expect(render('/Users/{{ user.id }}', vars)).toBe('/Users/u-1')
    expect(render('{{ user.id }}:{{ count }}:{{ user.active }}', vars)).toBe('u-1:7:true')
    expect(render(' {{ count }}', vars)).toBe(' 7')
    expect(render('meta={{ user.meta }}', vars)).toBe('meta={"version":3}')
  })

  it('follows indexes and quoted keys', () => {
    expect(render('{{ user.emails[0].value }}', vars)).toBe('a@example.com')
    expect(render('{{ user.emails[ 0 ].primary }}', vars)).toBe(true)
    expect(render('{{ user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].employeeNumber }}', vars)).toBe('42')
  })

  it('renders deeply without changing its input', () => {
    const input = { path: '/Users/{{ user.id }}', body: { ops: [{ value: '{{ user.active }}' }], n: 1, none: null } }
    const copy = structuredClone(input)
    expect(render(input, vars)).toEqual({ path: '/Users/u-1', body: { ops: [{ value: true }], n: 1, none: null } })
    expect(input).toEqual(copy)
  })

  it('leaves strings without templates and non-plain values alone', () => {
    const date = new Date(0)
    expect(render('no braces } here {', vars)).toBe('no braces } here {')
    expect(render(date, vars)).toBe(date)
    expect(render(5, vars)).toBe(5)
  })

  it('names the expression and the available roots when the root is unknown', () => {
    const error = templateError(() => render('/Users/{{ usr.id }}', vars))
    expect(error.expression).toBe('{{ usr.id }}')
    expect(error.roots).toEqual(['count', 'user'])
    expect(error.message).toBe('template "{{ usr.id }}": unknown variable `usr` (available: count, user)')
  })

  it('says what is there when a key is missing', () => {
    const error = templateError(() => render('{{ user.idd }}', vars))
    expect(error.expression).toBe('{{ user.idd }}')
    expect(error.message).toBe(
      'template "{{ user.idd }}": `user` has no `idd` (it has: id, active, meta, emails, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User, manager); variables: count, user',
    )
  })

  it('explains indexes past the end and paths through scalars', () => {
    expect(templateError(() => render('{{ user.emails[1].value }}', vars)).message).toMatch(/`user\.emails` has 1 item, so no \[1\]/)
    expect(templateError(() => render('{{ user.id.value }}', vars)).message).toMatch(/`user\.id` is a string, not an object/)
    expect(templateError(() => render('{{ user.meta[0] }}', vars)).message).toMatch(/`user\.meta` is an object, not a list/)
  })

  it('refuses to put null into text, where it would silently become "null"', () => {
    expect(templateError(() => render('/Users/{{ user.manager }}', vars)).message).toBe('template "{{ user.manager }}" is null and cannot be put into text')
  })

  it('rejects malformed templates', () => {
    expect(templateError(() => render('{{ user.id', vars)).message).toMatch(/without a closing "}}"/)
    expect(templateError(() => render('{{ }}', vars)).message).toMatch(/not a valid path \(it is empty\)/)
    expect(templateError(() => render('{{ user.id | upper }}', vars)).message).toMatch(/unexpected " \| upper"/)
    expect(templateError(() => render('{{ 1user }}', vars)).message).toMatch(/does not start with a variable name/)
  })
})

describe('templateExpressions', () => {
  it('parses every template in a string with its root, path and offset', () => {
    expect(templateExpressions('a {{ x.y[2] }} b {{z}}')).toEqual([
      { raw: '{{ x.y[2] }}', expr: 'x.y[2]', root: 'x', path: ['x', 'y', 2], start: 2 },
      { raw: '{{z}}', expr: 'z', root: 'z', path: ['z'], start: 17 },
    ])
    expect(templateExpressions('plain')).toEqual([])
  })
})

describe('uniqueValues', () => {
  const runId = 'r7k2q9'
  const prefix = runPrefix(runId)

  it('generates on first use and returns the same value afterwards', () => {
    const unique = uniqueValues(runId, 'okt-create')
    const first = unique.userName
    expect(unique.userName).toBe(first)
    expect(render('{{ unique.userName }}', { unique })).toBe(first)
    expect(unique.id).toBe(unique.id)
  })

  it('follows the documented shapes', () => {
    const unique = uniqueValues(runId, 'okt-create')
    expect(unique.userName).toBe('scimcheck-r7k2q9-okt-create-1@example.com')
    expect(unique.email).toBe('scimcheck-r7k2q9-okt-create-2@example.com')
    expect(unique.externalId).toBe('ScimCheck-r7k2q9-okt-create-3')
    expect(unique.displayName).toBe('scimcheck-r7k2q9-okt-create-group-4')
    expect(unique.groupName).toBe('scimcheck-r7k2q9-okt-create-group-5')
    expect(unique.costCenter).toBe('scimcheck-r7k2q9-okt-create-costCenter')
    expect(unique.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(unique.uuid).not.toBe(unique.id)
  })

  it('makes keys with trailing digits distinct values of the same kind', () => {
    const unique = uniqueValues(runId, 's')
    const names = [unique.userName, unique.userName2, unique.userName3] as string[]
    expect(new Set(names).size).toBe(3)
    for (const name of names) expect(name).toMatch(/^scimcheck-r7k2q9-s-\d+@example\.com$/)
    expect(unique.externalId2).not.toBe(unique.externalId)
    expect(unique.givenName2).not.toBe(unique.givenName)
  })

  it('starts every value that names a resource with the run prefix', () => {
    const unique = uniqueValues(runId, 'ent-group-lifecycle')
    for (const key of ['userName', 'email', 'externalId', 'displayName', 'groupName', 'userName2', 'anythingElse']) {
      expect((unique[key] as string).toLowerCase().startsWith(prefix), key).toBe(true)
    }
    expect(unique.userName).toBe((unique.userName as string).toLowerCase())
    expect(unique.externalId).toMatch(/[A-Z]/)
  })

  it('gives short readable made-up names for people', () => {
    const unique = uniqueValues(runId, 's')
    expect(unique.givenName).toMatch(/^[A-Z][a-z]{5,8}$/)
    expect(unique.familyName).toMatch(/^[A-Z][a-z]{5,8}$/)
    // Same run, same scope, same key: the same name, so reports are reproducible within a run.
    expect(uniqueValues(runId, 's').givenName).toBe(unique.givenName)
  })

  it('gives each scope its own values', () => {
    expect(uniqueValues(runId, 'a').userName).not.toBe(uniqueValues(runId, 'b').userName)
    expect(uniqueValues('other1', 'a').userName).not.toBe(uniqueValues(runId, 'a').userName)
  })

  it('keeps scope characters that do not belong in an e-mail address out of it', () => {
    expect(uniqueValues(runId, 'Okta / Create user').userName).toBe('scimcheck-r7k2q9-okta-create-user-1@example.com')
  })

  it('generates a password that meets common complexity rules', () => {
    const password = uniqueValues(runId, 's').password as string
    expect(password).toMatch(/[A-Z]/)
    expect(password).toMatch(/[a-z]/)
    expect(password).toMatch(/[0-9]/)
    expect(password).toMatch(/[^A-Za-z0-9]/)
    expect(password.length).toBeGreaterThanOrEqual(12)
  })

  it('is safe to await, inspect and serialise: only names a template asked for appear', async () => {
    const unique = uniqueValues(runId, 's')
    expect(await Promise.resolve(unique)).toBe(unique)
    void unique.userName
    expect(JSON.parse(JSON.stringify(unique))).toEqual({ userName: 'scimcheck-r7k2q9-s-1@example.com' })
    expect(Object.keys(unique)).toEqual(['userName'])
    expect(String(unique)).toBe('[object Object]')
  })

  it('rejects a run id that could not be part of a resource name', () => {
    expect(() => uniqueValues('bad id!', 's')).toThrow(/run id "bad id!"/)
  })
})
