// Lists every public type, field, argument, input field and enum value of a schema that has no description.
import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, type GraphQLSchema } from 'graphql';

export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const none = (d: string | null | undefined) => !d || !d.trim();
  // type-graphql gives the root types (Query, Mutation, Subscription) no description option; their fields carry it.
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (none(type.description) && !roots.has(type as never)) missing.push(`type ${type.name}`);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (none(field.description)) missing.push(`field ${type.name}.${field.name}`);
        for (const arg of field.args) if (none(arg.description)) missing.push(`argument ${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (none(field.description)) missing.push(`input field ${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (none(value.description)) missing.push(`enum value ${type.name}.${value.name}`);
    }
  }
  return missing.sort();
}
