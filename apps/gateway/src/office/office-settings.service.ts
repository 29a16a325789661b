import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ValidationFailed, type HubActor } from '@hub/common';
import { validateBody } from '@hub/connectors/common';
import { officeSetting, saveOfficeSetting } from '@hub/store';
import { SETTINGS, settingName } from './office-settings.dto';

/** The office's own rules for intake, merging and work orders (office_settings); the router reads them on every ticket. */
@Injectable()
export class OfficeSettingsService {
  constructor(private readonly ds: DataSource) {}

  get(name: string): Promise<Record<string, unknown>> {
    const n = settingName(name);
    return officeSetting(this.ds, n, SETTINGS[n].defaults as unknown as Record<string, unknown>);
  }

  async put(name: string, body: unknown, actor: HubActor): Promise<unknown> {
    const n = settingName(name);
    const v = validateBody(SETTINGS[n].dto as new () => object, body);
    if (!v.ok) throw new ValidationFailed(v.fields);
    await saveOfficeSetting(this.ds, n, v.value, `${actor.role}:${actor.id}`);
    return v.value;
  }
}
