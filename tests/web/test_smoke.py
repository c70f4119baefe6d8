from tests.factories import login


def test_home_greets_each_role_by_name(app, people):
    for key in ("partner_a", "lawyer", "coordinator", "admin"):
        fresh = app.test_client()
        login(app, fresh, people[key].user)
        response = fresh.get("/")
        assert response.status_code == 200
        assert "Welcome" in response.get_data(as_text=True)


def test_form_fields_carry_no_attribute_set_to_none(app, people):
    """An attribute written as autofocus="None" still autofocuses (and aria-invalid="None" confuses screen
    readers): the field macro writes only the attributes that apply, and autofocus on one field at most."""
    anonymous = app.test_client()
    pages = [anonymous.get("/login").get_data(as_text=True)]
    partner = app.test_client()
    login(app, partner, people["partner_a"].user)
    draft = partner.post("/intake/new", data={"action": "next", "title": "A draft"}).headers["Location"]
    pages.append(partner.get(draft).get_data(as_text=True))
    admin = app.test_client()
    login(app, admin, people["admin"].user)
    pages.append(admin.get("/admin/users/new").get_data(as_text=True))
    for page in pages:
        assert '="None"' not in page
        assert page.count(" autofocus") <= 1
    assert 'aria-describedby="code-hint"' in pages[0]
