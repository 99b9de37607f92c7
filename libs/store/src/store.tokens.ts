/** Injection token of the Kysely instance (a Symbol: the store has one database per app). */
export const DATABASE = Symbol('infergate.database');
