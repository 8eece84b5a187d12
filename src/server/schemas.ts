// The schema definitions the reference server serves at /Schemas and uses for
// every validation, filter, sort and projection decision. They follow RFC 7643
// §8.7 with the verified errata applied (Group.displayName is required; the
// ServiceProviderConfig schema includes etag; ResourceType.schemaExtensions is
// an optional list; Schema.name is optional), plus `members.display`, which
// §2.4 lists as a default sub-attribute and Okta sends.

import { URN as RFC_URN } from '../rfc/urns.js'

/** The RFC's URNs (one list, shared with the checks) plus the reference server's own custom extension. */
export const URN = {
  ...RFC_URN,
  enterprise: RFC_URN.enterpriseUser,
  scimcheck: 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User',
} as const

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex'
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly'
export type Returned = 'always' | 'never' | 'default' | 'request'
export type Uniqueness = 'none' | 'server' | 'global'

export interface AttributeDefinition {
  name: string
  type: AttributeType
  subAttributes?: AttributeDefinition[]
  multiValued: boolean
  description: string
  required: boolean
  canonicalValues?: string[]
  caseExact: boolean
  mutability: Mutability
  returned: Returned
  uniqueness: Uniqueness
  referenceTypes?: string[]
}

export interface SchemaDefinition {
  id: string
  name: string
  description: string
  attributes: AttributeDefinition[]
}

interface AttrOptions {
  multiValued?: boolean
  required?: boolean
  caseExact?: boolean
  mutability?: Mutability
  returned?: Returned
  uniqueness?: Uniqueness
  canonicalValues?: string[]
  referenceTypes?: string[]
  subAttributes?: AttributeDefinition[]
}

// Every characteristic is always written out: checks validate /Schemas
// recursively and Entra rejects null or missing keywords.
function attr(name: string, type: AttributeType, description: string, o: AttrOptions = {}): AttributeDefinition {
  const def: AttributeDefinition = {
    name,
    type,
    ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
    multiValued: o.multiValued ?? false,
    description,
    required: o.required ?? false,
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    caseExact: o.caseExact ?? false,
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
    ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
  }
  return def
}

const str = (name: string, description: string, o: AttrOptions = {}) => attr(name, 'string', description, o)
const bool = (name: string, description: string, o: AttrOptions = {}) => attr(name, 'boolean', description, o)

/** value/display/type/primary, the shape §2.4 gives most multi-valued attributes. */
function multiValuedComplex(
  name: string,
  description: string,
  opts: { valueType?: AttributeType; referenceTypes?: string[]; canonicalTypes?: string[] } = {},
): AttributeDefinition {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', opts.valueType ?? 'string', `The value of the ${name} entry.`, {
        ...(opts.referenceTypes ? { referenceTypes: opts.referenceTypes } : {}),
      }),
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', "A label indicating the attribute's function.", {
        ...(opts.canonicalTypes ? { canonicalValues: opts.canonicalTypes } : {}),
      }),
      bool('primary', "A Boolean value indicating the 'primary' or preferred value. The value true MUST appear no more than once."),
    ],
  })
}

export const USER_SCHEMA: SchemaDefinition = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name of the User.'),
        str('givenName', 'The given name of the User.'),
        str('middleName', 'The middle name(s) of the User.'),
        str('honorificPrefix', 'The honorific prefix(es) of the User.'),
        str('honorificSuffix', 'The honorific suffix(es) of the User.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user in real life.'),
    attr('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", {
      referenceTypes: ['external'],
    }),
    str('title', "The user's title, such as 'Vice President'."),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str('preferredLanguage', "Indicates the User's preferred written or spoken language."),
    str('locale', "Used to indicate the User's default location for purposes of localizing items."),
    str('timezone', "The User's time zone in the 'Olson' time zone database format."),
    bool('active', "A Boolean value indicating the User's administrative status."),
    str('password', "The User's cleartext password. Write-only; never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedComplex('emails', 'Email addresses for the user.', { canonicalTypes: ['work', 'home', 'other'] }),
    multiValuedComplex('phoneNumbers', 'Phone numbers for the User.', {
      canonicalTypes: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedComplex('ims', 'Instant messaging addresses for the User.', {
      canonicalTypes: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedComplex('photos', 'URLs of photos of the User.', {
      valueType: 'reference',
      referenceTypes: ['external'],
      canonicalTypes: ['photo', 'thumbnail'],
    }),
    attr('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component, as an ISO 3166-1 alpha-2 code.'),
        str('type', "A label indicating the attribute's function, e.g., 'work' or 'home'.", {
          canonicalValues: ['work', 'home', 'other'],
        }),
        bool('primary', "A Boolean value indicating the 'primary' or preferred address."),
      ],
    }),
    attr('groups', 'complex', 'A list of groups to which the user belongs, through direct membership.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
        attr('$ref', 'reference', "The URI of the corresponding 'Group' resource to which the user belongs.", {
          mutability: 'readOnly',
          referenceTypes: ['User', 'Group'],
        }),
        str('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
        str('type', "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
    }),
    multiValuedComplex('entitlements', 'A list of entitlements for the User that represent a thing the User has.'),
    multiValuedComplex('roles', 'A list of roles for the User that collectively represent who the User is.'),
    multiValuedComplex('x509Certificates', 'A list of certificates issued to the User.', { valueType: 'binary' }),
  ],
}

export const GROUP_SCHEMA: SchemaDefinition = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    // RFC 7643 §8.7.1 says required:false; erratum 5368 corrects it to true.
    str('displayName', 'A human-readable name for the Group. REQUIRED.', { required: true }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        str('type', "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
        // Not in §8.7.1 but a default sub-attribute per §2.4; the server fills it in.
        str('display', 'A human-readable name of the member, primarily used for display purposes.', { mutability: 'readOnly' }),
      ],
    }),
  ],
}

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: URN.enterprise,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attr('manager', 'complex', "The User's manager, referencing the 'id' attribute of another User.", {
      subAttributes: [
        str('value', "The id of the SCIM resource representing the User's manager."),
        attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", { referenceTypes: ['User'] }),
        str('displayName', "The displayName of the User's manager. READ-ONLY.", { mutability: 'readOnly' }),
      ],
    }),
  ],
}

/** scim-check's own extension: one attribute of each type checks need to exercise. */
export const SCIMCHECK_USER_SCHEMA: SchemaDefinition = {
  id: URN.scimcheck,
  name: 'ScimCheckUser',
  description: 'scim-check test extension with one attribute of each data type',
  attributes: [
    attr('approvalLimit', 'decimal', 'Largest amount the user may approve.'),
    attr('spendLimit', 'integer', 'Largest amount the user may spend without approval.'),
    bool('costApprover', 'Whether the user approves costs.'),
    str('approvalTier', 'Approval tier of the user.'),
    attr('hireDate', 'dateTime', 'Date and time the user was hired.'),
    str('auditNote', 'Free-form note returned only when requested by name.', { returned: 'request' }),
    // Gives the immutable-attribute checks a top-level target (the only other
    // immutable attributes are Group.members sub-attributes).
    str('badgeId', 'Badge identifier; can be set once and never changed.', { mutability: 'immutable', caseExact: true }),
  ],
}

// ---- discovery schemas (RFC 7643 §8.7.2, corrected) ----

const ro = { mutability: 'readOnly' as const }

const supportedOnly = (name: string, description: string, extra: AttributeDefinition[] = []) =>
  attr(name, 'complex', description, {
    ...ro,
    required: true,
    subAttributes: [bool('supported', 'A Boolean value specifying whether or not the operation is supported.', { ...ro, required: true }), ...extra],
  })

export const SERVICE_PROVIDER_CONFIG_SCHEMA: SchemaDefinition = {
  id: URN.serviceProviderConfig,
  name: 'Service Provider Configuration',
  description: "Schema for representing the service provider's configuration",
  attributes: [
    attr('documentationUri', 'reference', "An HTTP-addressable URL pointing to the service provider's human-consumable help documentation.", {
      ...ro,
      referenceTypes: ['external'],
    }),
    supportedOnly('patch', 'A complex type that specifies PATCH configuration options.'),
    supportedOnly('bulk', 'A complex type that specifies bulk configuration options.', [
      attr('maxOperations', 'integer', 'An integer value specifying the maximum number of operations.', { ...ro, required: true }),
      attr('maxPayloadSize', 'integer', 'An integer value specifying the maximum payload size in bytes.', { ...ro, required: true }),
    ]),
    supportedOnly('filter', 'A complex type that specifies FILTER options.', [
      attr('maxResults', 'integer', 'An integer value specifying the maximum number of resources returned in a response.', {
        ...ro,
        required: true,
      }),
    ]),
    supportedOnly('changePassword', 'A complex type that specifies configuration options related to changing a password.'),
    supportedOnly('sort', 'A complex type that specifies sort result options.'),
    // Missing from §8.7.2 although §5 makes it REQUIRED.
    supportedOnly('etag', 'A complex type that specifies ETag configuration options.'),
    attr('authenticationSchemes', 'complex', 'A complex type that specifies supported authentication scheme properties.', {
      ...ro,
      multiValued: true,
      required: true,
      subAttributes: [
        str('type', "The authentication scheme, e.g. 'oauthbearertoken'.", {
          ...ro,
          required: true,
          canonicalValues: ['oauth', 'oauth2', 'oauthbearertoken', 'httpbasic', 'httpdigest'],
        }),
        str('name', 'The common authentication scheme name, e.g., HTTP Basic.', { ...ro, required: true }),
        str('description', 'A description of the authentication scheme.', { ...ro, required: true }),
        attr('specUri', 'reference', "An HTTP-addressable URL pointing to the authentication scheme's specification.", {
          ...ro,
          referenceTypes: ['external'],
        }),
        attr('documentationUri', 'reference', "An HTTP-addressable URL pointing to the authentication scheme's usage documentation.", {
          ...ro,
          referenceTypes: ['external'],
        }),
        bool('primary', 'Whether this is the preferred authentication scheme.', ro),
      ],
    }),
  ],
}

export const RESOURCE_TYPE_SCHEMA: SchemaDefinition = {
  id: URN.resourceType,
  name: 'ResourceType',
  description: 'Specifies the schema that describes a SCIM resource type',
  attributes: [
    str('id', "The resource type's server unique id. May be the same as the 'name' attribute.", ro),
    str('name', "The resource type name, e.g., 'User'.", { ...ro, required: true }),
    str('description', "The resource type's human-readable description.", ro),
    attr('endpoint', 'reference', "The resource type's HTTP-addressable endpoint relative to the Base URL, e.g., '/Users'.", {
      ...ro,
      required: true,
      referenceTypes: ['uri'],
    }),
    attr('schema', 'reference', "The resource type's primary/base schema URI.", {
      ...ro,
      required: true,
      caseExact: true,
      referenceTypes: ['uri'],
    }),
    // §8.7.2 declares this required and single-valued; §6 makes it an optional list.
    attr('schemaExtensions', 'complex', "A list of URIs of the resource type's schema extensions.", {
      ...ro,
      multiValued: true,
      subAttributes: [
        attr('schema', 'reference', 'The URI of a schema extension.', { ...ro, required: true, caseExact: true, referenceTypes: ['uri'] }),
        bool('required', 'Whether or not the schema extension is required for the resource type.', { ...ro, required: true }),
      ],
    }),
  ],
}

const attributeCharacteristics = (withSubAttributes: boolean): AttributeDefinition[] => [
  str('name', "The attribute's name.", { ...ro, required: true, caseExact: true }),
  str('type', "The attribute's data type.", {
    ...ro,
    required: true,
    canonicalValues: ['string', 'complex', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary'],
  }),
  bool('multiValued', "A Boolean value indicating an attribute's plurality.", { ...ro, required: true }),
  str('description', 'A human-readable description of the attribute.', { ...ro, caseExact: true }),
  bool('required', 'A Boolean value indicating whether or not the attribute is required.', ro),
  str('canonicalValues', 'A collection of canonical values.', { ...ro, multiValued: true, caseExact: true }),
  bool('caseExact', 'A Boolean value indicating whether or not a string attribute is case sensitive.', ro),
  str('mutability', 'Indicates whether or not an attribute is modifiable.', {
    ...ro,
    caseExact: true,
    canonicalValues: ['readOnly', 'readWrite', 'immutable', 'writeOnly'],
  }),
  str('returned', 'Indicates when an attribute is returned in a response.', {
    ...ro,
    caseExact: true,
    canonicalValues: ['always', 'never', 'default', 'request'],
  }),
  str('uniqueness', 'Indicates how unique a value must be.', { ...ro, caseExact: true, canonicalValues: ['none', 'server', 'global'] }),
  str('referenceTypes', "Used only with an attribute of type 'reference'; the SCIM resource types it may refer to.", {
    ...ro,
    multiValued: true,
    caseExact: true,
  }),
  ...(withSubAttributes
    ? [
        attr('subAttributes', 'complex', 'Used to define the sub-attributes of a complex attribute.', {
          ...ro,
          multiValued: true,
          subAttributes: attributeCharacteristics(false),
        }),
      ]
    : []),
]

export const SCHEMA_SCHEMA: SchemaDefinition = {
  id: URN.schema,
  name: 'Schema',
  description: 'Specifies the schema that describes a SCIM schema',
  attributes: [
    str('id', 'The unique URI of the schema.', { ...ro, required: true }),
    // §8.7.2 says required; §7 makes the name OPTIONAL.
    str('name', "The schema's human-readable name.", ro),
    str('description', "The schema's human-readable description.", ro),
    attr('attributes', 'complex', 'A complex attribute that includes the attributes of a schema.', {
      ...ro,
      multiValued: true,
      required: true,
      subAttributes: attributeCharacteristics(true),
    }),
  ],
}

/** Every schema served at /Schemas, in the order listed. */
export const ALL_SCHEMAS: readonly SchemaDefinition[] = [
  USER_SCHEMA,
  GROUP_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  SCIMCHECK_USER_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
]

/**
 * Optional core attributes the minimal variant leaves out: a server may omit any attribute the RFC does not
 * make REQUIRED, and clients must learn that from /Schemas rather than assume it.
 */
export const MINIMAL_OMITS: readonly string[] = ['nickName', 'x509Certificates']

export const MINIMAL_USER_SCHEMA: SchemaDefinition = {
  ...USER_SCHEMA,
  attributes: USER_SCHEMA.attributes.filter((a) => !MINIMAL_OMITS.includes(a.name)),
}

/** What the minimal variant serves at /Schemas. */
export const MINIMAL_SCHEMAS: readonly SchemaDefinition[] = [
  MINIMAL_USER_SCHEMA,
  GROUP_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
]

export const schemasOf = (set: 'full' | 'minimal'): readonly SchemaDefinition[] => (set === 'minimal' ? MINIMAL_SCHEMAS : ALL_SCHEMAS)

// The common attributes of RFC 7643 §3.1 are not part of any served schema but
// filters, sorting and projection must understand them.
export const ID_ATTRIBUTE = str('id', 'A unique identifier for a SCIM resource as defined by the service provider.', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
})
export const EXTERNAL_ID_ATTRIBUTE = str('externalId', 'A String that is an identifier for the resource as defined by the provisioning client.', {
  caseExact: true,
})
export const META_ATTRIBUTE = attr('meta', 'complex', 'A complex attribute containing resource metadata.', {
  mutability: 'readOnly',
  subAttributes: [
    str('resourceType', 'The name of the resource type of the resource.', { mutability: 'readOnly', caseExact: true }),
    attr('created', 'dateTime', 'The DateTime that the resource was added to the service provider.', { mutability: 'readOnly' }),
    attr('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated.', { mutability: 'readOnly' }),
    attr('location', 'reference', 'The URI of the resource being returned.', { mutability: 'readOnly', caseExact: true, referenceTypes: ['uri'] }),
    str('version', 'The version of the resource being returned.', { mutability: 'readOnly', caseExact: true }),
  ],
})
export const SCHEMAS_ATTRIBUTE = attr('schemas', 'reference', 'The schema URIs of the resource.', {
  multiValued: true,
  mutability: 'readOnly',
  returned: 'always',
  referenceTypes: ['uri'],
})
