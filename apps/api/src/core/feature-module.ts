// A feature module declares its GraphQL resolvers and TypeORM entities once, on the module: @FeatureModule is Nest's
// @Module plus those two lists (the resolvers become providers). The schema and the data source are built from the
// feature modules reachable from app.module's imports (featuresOf): nothing else lists a feature's classes.
import { type DynamicModule, type ForwardReference, Module, type ModuleMetadata, type Type } from '@nestjs/common';

const FEATURE = 'podium:feature';

export interface FeatureMetadata extends ModuleMetadata {
  /** type-graphql resolver classes: in the schema when the module is imported, provided by it. */
  resolvers?: Function[];
  /** TypeORM entities of the tables the module owns (CONTRIBUTING.md rule 4). */
  entities?: Function[];
}

export function FeatureModule(meta: FeatureMetadata): ClassDecorator {
  const { resolvers = [], entities = [], ...module } = meta;
  return (target) => {
    Reflect.defineMetadata(FEATURE, { resolvers, entities }, target);
    Module({ ...module, providers: [...(module.providers ?? []), ...(resolvers as Type[])] })(target);
  };
}

export interface Features {
  resolvers: Function[];
  entities: Function[];
}

type Imported = NonNullable<ModuleMetadata['imports']>[number];

/** The resolvers and entities of every feature module reachable from `modules` through their imports, each once. */
export function featuresOf(modules: readonly Imported[]): Features {
  const out: Features = { resolvers: [], entities: [] };
  const seen = new Set<unknown>();
  const visit = (m: Imported | undefined): void => {
    if (!m || m instanceof Promise) return;
    const forward = (m as ForwardReference).forwardRef;
    if (forward) return visit(forward());
    const dynamic = (m as DynamicModule).module ? (m as DynamicModule) : undefined;
    const cls = dynamic ? dynamic.module : (m as Type);
    if (!seen.has(cls)) {
      seen.add(cls);
      const own = Reflect.getMetadata(FEATURE, cls) as Features | undefined;
      if (own) {
        out.resolvers.push(...own.resolvers);
        out.entities.push(...own.entities);
      }
      for (const i of (Reflect.getMetadata('imports', cls) as Imported[] | undefined) ?? []) visit(i);
    }
    for (const i of dynamic?.imports ?? []) visit(i);
  };
  modules.forEach(visit);
  return out;
}

/** The resolvers and entities of the feature modules a running app holds (its container's modules, by class). */
export function featuresOfApp(modules: Iterable<{ metatype: Function | null | undefined }>): Features {
  const out: Features = { resolvers: [], entities: [] };
  for (const m of modules) {
    const own = m.metatype ? (Reflect.getMetadata(FEATURE, m.metatype) as Features | undefined) : undefined;
    if (!own) continue;
    out.resolvers.push(...own.resolvers);
    out.entities.push(...own.entities);
  }
  return out;
}
