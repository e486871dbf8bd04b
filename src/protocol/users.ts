// Users, their permissions (guide: "Utilisateurs") and the account views the API returns.
import { z } from 'zod';
import { DisplayName, PasswordInput, Username, plainText } from './text.ts';

export const PromptPolicy = z.enum(['always', 'never']);

/** Every permission of the guide (USR-8 … USR-13). Enforced by the broker (USR-14). */
export const Permissions = z
  .object({
    /** USR-8: full rights. */
    administrator: z.boolean(),
    /** USR-9 */
    viewReports: z.boolean(),
    /** USR-10: allowed Jump methods. */
    jumpClients: z.boolean(),
    localRdp: z.boolean(),
    /** USR-10: may start sessions from all Jump items in the system. */
    jumpStartAll: z.boolean(),
    /** USR-10: may deploy, remove and modify Jump items in all Jump groups. */
    jumpManageAll: z.boolean(),
    /** USR-11 */
    screenSharing: z.boolean(),
    annotations: z.boolean(),
    fileTransfer: z.boolean(),
    /** CON-7: may open a command shell on the customer's computer (its own right, not screen sharing's). */
    shell: z.boolean(),
    /** USR-12 */
    elevation: z.boolean(),
    attachJumpClients: z.boolean(),
    /** USR-13: must the customer approve access, for attended and unattended sessions. */
    promptAttended: PromptPolicy,
    promptUnattended: PromptPolicy,
  })
  .strict();
export type Permissions = z.infer<typeof Permissions>;

export const defaultRepPermissions: Permissions = {
  administrator: false,
  viewReports: false,
  jumpClients: true,
  localRdp: false,
  jumpStartAll: false,
  jumpManageAll: false,
  screenSharing: true,
  annotations: true,
  fileTransfer: true,
  shell: false,
  elevation: false,
  attachJumpClients: false,
  promptAttended: 'always',
  promptUnattended: 'never',
};

export const adminPermissions: Permissions = {
  administrator: true,
  viewReports: true,
  jumpClients: true,
  localRdp: true,
  jumpStartAll: true,
  jumpManageAll: true,
  screenSharing: true,
  annotations: true,
  fileTransfer: true,
  shell: true,
  elevation: true,
  attachJumpClients: true,
  promptAttended: 'always',
  promptUnattended: 'never',
};

/** Calendar date (YYYY-MM-DD) after which the password expires, or null for never (USR-6). */
export const ExpiryDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date as YYYY-MM-DD' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), { message: 'not a real date' })
  .nullable();

export const SecurityQuestion = plainText(200);
export const SecurityAnswer = plainText(200);

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  displayNumber: z.number().int(),
  passwordExpiresOn: z.string().nullable(),
  hasSecurityQuestion: z.boolean(),
  securityQuestion: z.string().nullable(),
  lastAuthenticatedAt: z.string().nullable(),
  failedLogins: z.number().int(),
  lockedUntil: z.string().nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  /** LOG-5: the account has a second factor. */
  totpEnabled: z.boolean(),
  permissions: Permissions,
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

export const CreateUserBody = z
  .object({
    username: Username,
    displayName: DisplayName,
    password: PasswordInput,
    displayNumber: z.number().int().min(0).max(1_000_000).optional(),
    passwordExpiresOn: ExpiryDate.optional(),
    securityQuestion: SecurityQuestion.optional(),
    securityAnswer: SecurityAnswer.optional(),
    disabled: z.boolean().optional(),
    mustChangePassword: z.boolean().optional(),
    permissions: Permissions.partial().strict().optional(),
  })
  .strict();
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({
    username: Username.optional(),
    displayName: DisplayName.optional(),
    password: PasswordInput.optional(),
    displayNumber: z.number().int().min(0).max(1_000_000).optional(),
    passwordExpiresOn: ExpiryDate.optional(),
    securityQuestion: SecurityQuestion.nullable().optional(),
    securityAnswer: SecurityAnswer.optional(),
    disabled: z.boolean().optional(),
    mustChangePassword: z.boolean().optional(),
    permissions: Permissions.partial().strict().optional(),
    /** LOG-5: remove the user's second factor (a lost phone); they set up a new one at next login. */
    resetTotp: z.literal(true).optional(),
  })
  .strict();
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const ListUsersQuery = z
  .object({
    q: plainText(100).optional(),
  })
  .strict();

export const UserIdParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) }).strict();

export const UserList = z.object({ users: z.array(UserView) });
