import './elements/lw-app.ts';
