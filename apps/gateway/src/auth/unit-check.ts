import { ValidationFailed } from '@hub/common';
import { unitInActiveDirectory, type Queryable } from '@hub/store';

/** A credential for a unit the active directory does not know would act for nobody (a typo): refused. */
export async function refuseUnknownUnit(db: Queryable, unitCode: string): Promise<void> {
  const r = await unitInActiveDirectory(db, unitCode);
  if (r.hasDirectory && !r.known) throw new ValidationFailed([{ path: 'unitCode', message: `no unit ${unitCode} in the active directory` }]);
}
