// Every permission of the protocol's Permissions (USR-8..13), grouped as in the guide.
// Attaching Jump Clients needs the all-groups Jump right (USR-12); the broker enforces it too.
import { useTranslation } from 'react-i18next';
import type { Permissions } from '../../../../src/protocol/index.ts';

type Flag = { [K in keyof Permissions]: Permissions[K] extends boolean ? K : never }[keyof Permissions];
type Prompt = 'promptAttended' | 'promptUnattended';

const groups: { titleKey: string; flags: Flag[] }[] = [
  { titleKey: 'perm.group.general', flags: ['administrator', 'viewReports'] },
  { titleKey: 'perm.group.jumpMethods', flags: ['jumpClients', 'localRdp'] },
  { titleKey: 'perm.group.jumpItems', flags: ['jumpStartAll', 'jumpManageAll'] },
  { titleKey: 'perm.group.screenSharing', flags: ['screenSharing', 'annotations'] },
  { titleKey: 'perm.group.fileTransfer', flags: ['fileTransfer'] },
  { titleKey: 'perm.group.otherTools', flags: ['shell', 'elevation', 'attachJumpClients'] },
];
const prompts: Prompt[] = ['promptAttended', 'promptUnattended'];

export function PermissionsFields({ value, onChange }: { value: Permissions; onChange(p: Permissions): void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<Permissions>) => {
    const next = { ...value, ...patch };
    // Losing the all-groups right takes the attach right with it, as the broker requires.
    if (!next.jumpManageAll) next.attachJumpClients = false;
    onChange(next);
  };
  return (
    <fieldset className="permissions">
      <legend>{t('perm.title')}</legend>
      {groups.map((g) => (
        <fieldset key={g.titleKey}>
          <legend>{t(g.titleKey)}</legend>
          {g.flags.map((f) => {
            const disabled = f === 'attachJumpClients' && !value.jumpManageAll;
            return (
              <label key={f} className="check">
                <input type="checkbox" checked={value[f]} disabled={disabled} onChange={(e) => set({ [f]: e.target.checked })} />
                <span>
                  {t(`perm.${f}`)}
                  {disabled && <span className="hint"> — {t('perm.attachNeedsManageAll')}</span>}
                </span>
              </label>
            );
          })}
        </fieldset>
      ))}
      <fieldset>
        <legend>{t('perm.group.prompts')}</legend>
        {prompts.map((p) => (
          <label key={p}>
            {t(`perm.${p}`)}
            <select value={value[p]} onChange={(e) => set({ [p]: e.target.value as Permissions[Prompt] })}>
              <option value="always">{t('perm.prompt.always')}</option>
              <option value="never">{t('perm.prompt.never')}</option>
            </select>
          </label>
        ))}
      </fieldset>
    </fieldset>
  );
}
