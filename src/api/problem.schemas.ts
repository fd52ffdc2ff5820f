import { Type } from 'typebox';

/** The problem document, for the OpenAPI description of every error response. */
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.String(),
  instance: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
};

/** Headers that carry the declared purpose and case reference of a read (brief 3.3). */
export const PurposeHeaders = Type.Object({
  'x-leds-purpose': Type.Optional(Type.String({ description: 'The declared purpose, one of /api/v1/purposes' })),
  'x-leds-case-reference': Type.Optional(
    Type.String({ description: 'The case or incident reference the work is for' }),
  ),
});
