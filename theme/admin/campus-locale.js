// Decap CMS's French phrases, completed: the keys its `fr` locale lacks (Decap shows the English
// ones then: « Account options dropdown », « Expand », « Set published to now »…) and the phrases
// left in English or odd French. Merged over Decap's own `fr` (CMS.getLocale) and registered again
// (CMS.registerLocale) before CMS.init(): nothing in Decap's bundle is patched. Key names are those
// of decap-cms-locales/src/en/index.js (Decap 3.16).

export const PHRASES = {
  auth: { loginWithForgejo: "Se connecter avec Forgejo", errors: { identitySettings: "Impossible d'accéder aux paramètres d'identité." } },
  app: { header: { media: "Médias" } },
  collection: {
    sidebar: { collections: "Types de fiches" },
    collectionTop: { viewAsList: "Afficher en liste", viewAsGrid: "Afficher en grille", newButton: "Nouvelle fiche : %{collectionLabel}",
      newButtonAriaLabel: "Nouvelle fiche : %{collectionLabel}" },
    entries: { unpublishedHeader: "Fiches non publiées" },
  },
  editor: {
    editorControl: { field: { widgetLabel: "Champ" } },
    editorControlPane: {
      widget: {
        // config.yml's pattern messages are whole French sentences
        regexPattern: "%{fieldLabel} : %{pattern}",
      },
      i18n: {
        copyFromLocale: "Remplir depuis une autre langue",
        copyFromLocaleConfirm: "Remplir avec le contenu en %{locale} ?\nTout le contenu actuel sera remplacé.",
      },
    },
    editorInterface: { toggleNotes: "Afficher ou masquer les notes" },
    editorNotesPane: {
      title: "Notes", emptyState: "Aucune note pour l'instant. Ajoutez la première ci-dessous.",
      addNote: "Ajouter une note", addPlaceholder: "Écrire une note…", editPlaceholder: "Modifier la note…",
      save: "Enregistrer", cancel: "Annuler", edit: "Modifier", delete: "Supprimer", resolve: "Marquer comme traitée",
      unresolve: "Rouvrir", confirmDelete: "Supprimer cette note ?", shortcut: "Astuce : Ctrl+Entrée ajoute la note.",
    },
    editorToolbar: {
      deleteUnpublishedChanges: "Supprimer les modifications non publiées",
      statusInfoTooltipDraft: "La fiche est en brouillon. Pour la proposer à la relecture, passez son statut à « En cours de révision ».",
      statusInfoTooltipInReview: "La fiche est en relecture : rien d'autre à faire. Vous pouvez encore la modifier pendant ce temps.",
    },
    editorWidgets: {
      markdown: {
        strikethrough: "Barré", code: "Code informatique", markdown: "Texte Markdown",
        toggleMode: { rich: "Passer en mode texte mis en forme", markdown: "Passer en mode Markdown" },
      },
      image: { chooseMultiple: "Choisir des images", addMore: "Ajouter des images", removeAll: "Retirer toutes les images" },
      file: { chooseMultiple: "Choisir des fichiers", addMore: "Ajouter des fichiers", removeAll: "Retirer tous les fichiers" },
      datetime: { setToNow: "Maintenant : %{fieldLabel}" },
      object: { expand: "Déplier", collapse: "Replier" },
    },
  },
  mediaLibrary: { mediaLibraryModal: { close: "Fermer", images: "Images" } },
  ui: {
    settingsDropdown: { account: "Menu du compte" },
    toast: {
      onFailToPersist: "Enregistrement refusé : %{details}",
      // the forge refuses to merge while the check job has not passed (README, « Web editor »)
      onFailToPublishEntry: "Publication refusée : la vérification de la proposition (campus check) n'a pas "
        + "réussi ou n'est pas terminée. Ouvrez la proposition sur la forge pour en lire le résultat, "
        + "corrigez la fiche puis publiez de nouveau. Détail : %{details}",
      missingRequiredField: "Il manque un champ obligatoire : remplissez-le avant d'enregistrer.",
      noteAdded: "Note ajoutée", onFailToAddNote: "Échec de l'ajout de la note : %{details}",
      noteUpdated: "Note modifiée", onFailToUpdateNote: "Échec de la modification de la note : %{details}",
      noteDeleted: "Note supprimée", onFailToDeleteNote: "Échec de la suppression de la note : %{details}",
      noteResolved: "Note marquée comme traitée", noteReopened: "Note rouverte",
      onFailToToggleNote: "Échec du changement d'état de la note : %{details}",
    },
  },
  workflow: {
    workflow: { newPost: "Nouvelle fiche", dateFormat: "YYYY-MM-DD" },
    workflowCard: { deleteChanges: "Supprimer les modifications" },
  },
};

export function merged(base, extra) {
  const out = { ...(base || {}) };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = value && typeof value === "object" ? merged(out[key], value) : value;
  }
  return out;
}

/** Decap's French phrases with ours over them, registered as the `fr` locale. */
export function registerFrench(CMS) {
  CMS.registerLocale("fr", merged(CMS.getLocale("fr"), PHRASES));
}
