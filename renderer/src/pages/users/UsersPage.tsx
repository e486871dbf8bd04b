// Users (USR-1..14), administrators only: the list with search and the Users settings, and the
// create / edit form at users/new and users/:id.
import { useTranslation } from 'react-i18next';
import { Route, Routes, useParams } from 'react-router';
import { UserForm } from './UserForm.tsx';
import { UsersList } from './UsersList.tsx';
import { UsersSettings } from './UsersSettings.tsx';

function EditUser() {
  const { id } = useParams();
  return <UserForm key={id} userId={Number(id)} />;
}

export function UsersPage() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route
        index
        element={
          <section aria-labelledby="users-title" className="panel">
            <h1 id="users-title">{t('users.title')}</h1>
            <UsersList />
            <UsersSettings />
          </section>
        }
      />
      <Route path="new" element={<UserForm key="new" userId={null} />} />
      <Route path=":id" element={<EditUser />} />
    </Routes>
  );
}
