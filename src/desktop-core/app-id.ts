// The console's application id: electron-builder.yml's appId (a unit test keeps them equal), used
// as the Windows AppUserModelID so notifications and the taskbar group under the installed app.
export const APP_ID = 'fr.passerelle.console';
